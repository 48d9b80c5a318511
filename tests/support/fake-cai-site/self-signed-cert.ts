import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway certificate for character.ai and its subdomains, made with the system's openssl, for
 * serving the fake site over HTTPS to a browser started with `--ignore-certificate-errors` and
 * `--host-resolver-rules` (see chromiumArgsForFakeSite).
 */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pygbox-fake-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=character.ai',
        '-addext',
        'subjectAltName=DNS:character.ai,DNS:*.character.ai',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Chromium flags that send every character.ai host to the fake site on `port`. */
export function chromiumArgsForFakeSite(port: number): string[] {
  return [
    `--host-resolver-rules=MAP character.ai 127.0.0.1:${port}, MAP *.character.ai 127.0.0.1:${port}`,
    '--ignore-certificate-errors',
  ];
}
