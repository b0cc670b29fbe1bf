// Preloaded (`node --import`) into a process the bench runs, to tell it what that process cost:
// at exit, one line on stderr with its peak resident set (maxRSS, the same figure as VmHWM) and
// its CPU time. Plain JavaScript, so that the compiled CLI it measures runs without a loader.
process.on('exit', () => {
  const usage = process.resourceUsage()
  const report = { peakRssBytes: usage.maxRSS * 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }
  process.stderr.write(`\nprocess-usage ${JSON.stringify(report)}\n`)
})
