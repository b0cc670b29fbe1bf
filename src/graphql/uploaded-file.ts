/** A file from a multipart request, as yoga hands it over: a web File, read as a stream. */
export interface UploadedFile {
  name: string
  size: number
  stream(): ReadableStream<Uint8Array>
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  if (typeof value !== 'object' || value === null) return false
  const file = value as Partial<UploadedFile>
  return typeof file.name === 'string' && typeof file.size === 'number' && typeof file.stream === 'function'
}
