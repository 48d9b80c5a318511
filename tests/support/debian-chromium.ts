/**
 * Debian's Chromium, as every browser test here drives it: the system binary (never a downloaded
 * browser) with the flags that keep it off the network it cannot reach. Without the
 * background-networking flags Chromium keeps opening connections this machine refuses, and at every
 * start it looks up Google's hosts.
 */
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
