/**
 * Typed client for NVIDIA Nemotron models on NIM, the NVIDIA API, vLLM and Ollama.
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/nemotron';
