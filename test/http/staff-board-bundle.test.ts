import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BOARD_MODULE_PATH, buildBoardModule, bundleBoardScript } from '../../src/cli/board-bundle.js'
import { BOARD_SCRIPT } from '../../src/http/staff-board/board-script.generated.js'

describe('the staff board bundle', () => {
  it('is committed as built from the client modules: after a change there, run npm run build:board', async () => {
    expect(readFileSync(BOARD_MODULE_PATH, 'utf8')).toBe(await buildBoardModule())
  })

  it('serves the bundle exactly as esbuild wrote it', async () => {
    expect(BOARD_SCRIPT).toBe(await bundleBoardScript())
  })
})
