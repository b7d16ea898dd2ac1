// A DevTools-protocol session with another process's V8 (Node's `--inspect`, wrangler's
// `--inspector-port`), for reading its JS heap: the exports benches set it beside RSS.

/** A V8 heap as `Runtime.getHeapUsage` reports it, in bytes (NaN once the session closed). */
export interface HeapUsage {
  /** Bytes held by objects, live or garbage not yet collected. */
  used: number
  /** Bytes V8 has reserved for its heap (its pages), used or not. */
  total: number
}

/**
 * Connects to the inspector at `url` (a `ws://` address). `origin`: the Origin header, which
 * wrangler's inspector proxy requires of a connection.
 *
 * @example
 * const v8 = await inspectorSession('ws://127.0.0.1:9229/…')
 * const { used } = await v8.heap()
 */
export const inspectorSession = async (url: string, origin?: string) => {
  // Node's WebSocket (undici) takes headers in its init object, which the DOM typings do not know.
  const Socket = WebSocket as unknown as new (
    url: string,
    init: { headers: Record<string, string> },
  ) => WebSocket
  const ws = new Socket(url, { headers: origin ? { Origin: origin } : {} })
  await new Promise((resolve, reject) => {
    ws.onopen = resolve
    ws.onerror = () => reject(new Error(`the inspector at ${url} refused the connection`))
  })
  const waiting = new Map<number, (result: unknown) => void>()
  let id = 0
  ws.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
    if (message.id === undefined) return
    waiting.get(message.id)?.(message.result)
    waiting.delete(message.id)
  }
  // A closed inspector answers nothing more: answer what waits with nothing rather than hang.
  ws.onclose = () => {
    for (const answer of waiting.values()) answer(undefined)
    waiting.clear()
  }
  const call = (method: string, params?: Record<string, unknown>) =>
    new Promise<unknown>((resolve) => {
      if (ws.readyState !== WebSocket.OPEN) return resolve(undefined)
      waiting.set(++id, resolve)
      ws.send(JSON.stringify({ id, method, ...(params ? { params } : {}) }))
    })
  return {
    heap: async (): Promise<HeapUsage> => {
      const usage = (await call('Runtime.getHeapUsage')) as
        { usedSize: number; totalSize: number } | undefined
      return { used: usage?.usedSize ?? Number.NaN, total: usage?.totalSize ?? Number.NaN }
    },
    /** A full collection, all garbage gone: what `heap()` reads after it is what is kept. */
    collectGarbage: () => call('HeapProfiler.collectGarbage').then(() => undefined),
    /** Starts V8's sampling CPU profiler (a sample every `intervalUs`). */
    startProfile: async (intervalUs = 1000) => {
      await call('Profiler.enable')
      await call('Profiler.setSamplingInterval', { interval: intervalUs })
      await call('Profiler.start')
    },
    /**
     * Stops the profiler: the milliseconds its samples found JavaScript (or V8 on its behalf:
     * compiling, collecting) running rather than idle — the CPU time Workers counts against a
     * request's limit, to within a sampling interval per stretch of work.
     */
    stopProfile: async (): Promise<number> => {
      const result = (await call('Profiler.stop')) as { profile?: CpuProfile } | undefined
      await call('Profiler.disable')
      const profile = result?.profile
      if (!profile) return Number.NaN
      const idle = new Set(
        profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
      )
      let busyUs = 0
      // A sample stands for the time until the next one (as DevTools reads it).
      profile.samples.forEach((node, i) => {
        if (!idle.has(node)) busyUs += profile.timeDeltas[i + 1] ?? 0
      })
      return busyUs / 1000
    },
    close: () => ws.close(),
  }
}

/** The parts of a DevTools `Profiler.Profile` the busy time is read from. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string } }[]
  samples: number[]
  timeDeltas: number[]
}

/** The `ws://` address of the one target a Node process started with `--inspect=host:port` has. */
export const nodeInspectorUrl = async (port: number): Promise<string> => {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string
  }[]
  const url = targets[0]?.webSocketDebuggerUrl
  if (!url) throw new Error(`no inspector target on port ${port}`)
  return url
}
