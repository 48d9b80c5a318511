/**
 * Rejects entry names that could write outside the folder a zip is extracted into, or that mean
 * different files on different systems. Pygbox never writes such names, so any of them marks a
 * hostile or altered zip. Returns the problem, or undefined when the name is safe.
 */
export function entryPathProblem(name: string): string | undefined {
  if (name === '') return 'has an empty name';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'has a control character in its name';
  if (name.includes('\\')) return 'has a backslash in its name (a Windows path separator)';
  if (name.startsWith('/')) return 'has an absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'starts with a drive letter';
  const segments = name.split('/');
  if (segments.some((segment) => segment === '..')) return 'has a ".." segment that climbs out of the folder';
  if (segments.some((segment) => segment === '.')) return 'has a "." segment';
  if (segments.some((segment) => segment === '')) return 'has an empty path segment';
  return undefined;
}
