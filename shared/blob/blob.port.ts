/** A versioned object store (Cloud Storage in the cloud, a folder locally). */
export interface BlobMeta {
  /** Monotonic version: GCS generation, or a local counter. */
  generation: string;
  updated: number;
  size: number;
  metadata?: Record<string, string>;
}

export interface BlobStore {
  stat(name: string): Promise<BlobMeta | undefined>;
  read(name: string, generation?: string): Promise<{ data: Buffer; meta: BlobMeta } | undefined>;
  /**
   * Writes only if the object is still at `ifGeneration` ('0' = must not exist). Returns the new meta,
   * or undefined when the precondition failed (someone else wrote first).
   */
  write(name: string, data: Buffer, opts: { ifGeneration?: string; contentType?: string; metadata?: Record<string, string> }): Promise<BlobMeta | undefined>;
}
