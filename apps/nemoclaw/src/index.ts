/**
 * The `nemoclaw` command line as a library: build the command tree or run it in-process.
 *
 * @packageDocumentation
 */

export { NemoclawCliError, type NemoclawCliErrorCode } from './cli-error.js';
export { cliExitCodes, createProgram, runCli } from './program.js';
