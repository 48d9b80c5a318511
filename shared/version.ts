/** Tool version written into every export manifest. A test keeps it equal to package.json's. */
export const PYGBOX_VERSION = '0.1.0';
