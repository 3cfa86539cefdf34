// The certificate, key and CA of one port as they are on disk now. Files are stat'ed on every
// use and read again when one changed, so a renewed certificate or CA serves the next
// connection without a restart (etcd rereads them at each handshake).
import { readFileSync, statSync } from 'node:fs';
import type { TlsSettings } from './settings.js';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** Undefined when no trusted CA file is configured. */
  ca: Buffer | undefined;
}

function stamp(path: string): string {
  if (path === '') return '';
  const s = statSync(path);
  return `${s.mtimeMs}/${s.size}/${s.ino}`;
}

export class TlsMaterial {
  private stamps = '';
  private files: TlsFiles | undefined;

  constructor(private readonly settings: Pick<TlsSettings, 'certFile' | 'keyFile' | 'trustedCaFile'>) {}

  /**
   * The files' current contents and whether they changed since the last call. A file that cannot
   * be read (being rewritten, say) keeps the previous contents when there are some.
   */
  current(): { files: TlsFiles; changed: boolean } {
    const s = this.settings;
    try {
      const stamps = [s.certFile, s.keyFile, s.trustedCaFile].map(stamp).join('|');
      if (this.files !== undefined && stamps === this.stamps) return { files: this.files, changed: false };
      const files: TlsFiles = {
        cert: readFileSync(s.certFile),
        key: readFileSync(s.keyFile),
        ca: s.trustedCaFile === '' ? undefined : readFileSync(s.trustedCaFile),
      };
      this.stamps = stamps;
      this.files = files;
      return { files, changed: true };
    } catch (err) {
      if (this.files !== undefined) return { files: this.files, changed: false };
      throw err;
    }
  }
}
