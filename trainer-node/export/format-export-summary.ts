import { relative } from 'node:path';
import type { ExportResult } from './run-export.ts';

function megabytes(bytes: number): string {
  return bytes >= 100_000 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

/** What the CLI prints at the end: the gate's figures and where every artifact went. */
export function formatExportSummary(result: ExportResult): string {
  const lines: string[] = [];
  const parity = result.parity;
  if (parity !== undefined) {
    const fp32 = parity.fp32;
    lines.push(
      `parity: fp32 vs PyTorch max |logit diff| ${fp32.max_logit_diff_no_cache.toExponential(2)} (no cache), ` +
        `${fp32.max_logit_diff_with_cache.toExponential(2)} (cache); ${fp32.greedy_tokens}-token greedy continuations identical`,
    );
    for (const q of parity.quantized) {
      lines.push(
        `parity: ${q.dtype} perplexity ${q.perplexity_increase_pct >= 0 ? '+' : ''}${q.perplexity_increase_pct.toFixed(2)}% vs fp32, ` +
          `top-1 agreement ${(q.top1_agreement * 100).toFixed(1)}% over ${q.positions} reply tokens`,
      );
    }
  }
  lines.push(`model folder: ${result.out}`);
  for (const file of result.files) lines.push(`  ${file.path}  ${megabytes(file.bytes)}`);
  if (result.zip !== undefined) lines.push(`zip for the extension: ${result.zip}`);
  // A path under the working folder reads better relative; anything else stays absolute.
  const inside = relative(process.cwd(), result.out);
  const shown = inside === '' ? '.' : inside.startsWith('..') ? result.out : inside;
  lines.push(`chat with it: pygbox chat ${shown}`);
  return lines.join('\n');
}
