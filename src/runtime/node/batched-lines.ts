/** Lines held at most before they are written, whatever the event loop does. */
const MAX_PENDING = 256

/**
 * A line writer that writes what one turn of the event loop produced in one write to `out`:
 * one system call for many lines (Node writes to a file or a pipe synchronously, one call a
 * write). Lines keep their order; what is pending when the process exits is written then.
 *
 * @example
 * const accessLogger = jsonLogger(batchedLines())
 */
export const batchedLines = (
  out: (text: string) => void = (text) => void process.stdout.write(text),
): ((line: string) => void) => {
  let pending: string[] = []
  const flush = () => {
    if (pending.length === 0) return
    const text = `${pending.join('\n')}\n`
    pending = []
    out(text)
  }
  process.once('exit', flush)
  return (line) => {
    const count = pending.push(line)
    if (count === 1) setImmediate(flush)
    else if (count >= MAX_PENDING) flush()
  }
}
