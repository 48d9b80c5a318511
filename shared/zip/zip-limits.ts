/**
 * Bounds that `readExportZip` enforces before and while inflating, so a hostile zip (a "zip bomb",
 * or one whose headers lie about sizes) cannot exhaust memory. The defaults leave room for years
 * of chats: a real export is tens of megabytes and compresses about 5 to 10 times.
 */
export interface ZipLimits {
  /** Sum of the uncompressed sizes of all entries. */
  maxTotalBytes: number;
  /** Uncompressed size of any one entry. */
  maxEntryBytes: number;
  /** Uncompressed size divided by compressed size, for entries larger than `ratioFloorBytes`. */
  maxRatio: number;
  /** Entries smaller than this skip the ratio check: a tiny file cannot be a bomb. */
  ratioFloorBytes: number;
  /** Number of entries in the central directory. */
  maxEntries: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxTotalBytes: 512 * MIB,
  maxEntryBytes: 256 * MIB,
  maxRatio: 200,
  ratioFloorBytes: 1 * MIB,
  maxEntries: 100_000,
});

export function resolveZipLimits(limits: Partial<ZipLimits> | undefined): ZipLimits {
  return { ...DEFAULT_ZIP_LIMITS, ...limits };
}
