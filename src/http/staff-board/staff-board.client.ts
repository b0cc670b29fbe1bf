import { BOARD_CLIENT_ACTIONS } from './staff-board.client-actions.js'
import { BOARD_CLIENT_API } from './staff-board.client-api.js'
import { BOARD_CLIENT_BOARD } from './staff-board.client-board.js'
import { BOARD_CLIENT_RENDER } from './staff-board.client-render.js'
import { BOARD_CLIENT_SESSION } from './staff-board.client-session.js'

/**
 * The board's script, served from /staff/board.js (the CSP allows no inline script). Kept as
 * strings rather than a file read at runtime so that the Workers bundle carries it too; one
 * function scope, so nothing leaks onto window.
 */
export const BOARD_SCRIPT = [
  "'use strict'",
  ';(() => {',
  BOARD_CLIENT_API,
  BOARD_CLIENT_RENDER,
  BOARD_CLIENT_SESSION,
  BOARD_CLIENT_BOARD,
  BOARD_CLIENT_ACTIONS,
  '})()',
  '',
].join('\n')
