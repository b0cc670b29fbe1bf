'use strict'

// autocannon's setupRequest for a one-shot load (see OneShotLoad in measure.ts), loaded by path
// in autocannon's worker thread. Every connection of the run shares the cursor below, so each
// request of the sequence is sent once; past the end, requests go to a path that answers 404.
const { readFileSync } = require('node:fs')

const sequences = new Map()

module.exports = function oneShotRequest(request) {
  let sequence = sequences.get(request.oneShotFile)
  if (!sequence) {
    sequence = { ...JSON.parse(readFileSync(request.oneShotFile, 'utf8')), next: 0 }
    sequences.set(request.oneShotFile, sequence)
  }
  const next = sequence.requests[sequence.next++]
  if (!next) return { ...request, method: 'GET', path: sequence.exhaustedPath, headers: {}, body: '' }
  return { ...request, method: next.method, path: next.path, headers: { ...next.headers }, body: next.body ?? '' }
}
