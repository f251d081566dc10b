/** A persistent second tier for the adapter cache: saved adapter files by id. */
export interface AdapterStore {
  get(id: string): Promise<Record<string, Uint8Array> | undefined>;
  put(id: string, files: Record<string, Uint8Array>): Promise<void>;
  delete(id: string): Promise<void>;
}
