// A tracker WebSocket message as the server reads it: whether it is the plain heartbeat, and the
// message it holds, or the error that refuses it.
import { type ClientMessage, clientMessageSchema } from "@rollcall/protocol";
import { AppError, describeIssues } from "../errors/app-error.js";
import { findNulCharacterInJson } from "../http/nul-characters.js";

/** A heartbeat as the tracker sends it: nine frames in ten at load. */
const HEARTBEAT_FRAME = Buffer.from('{"t":"hb"}');

export function isHeartbeatFrame(data: Buffer): boolean {
  return data.equals(HEARTBEAT_FRAME);
}

/** The message, or the error to answer with (the socket then closes with 4400). */
export function decodeFrame(data: Buffer, isBinary: boolean): ClientMessage | AppError {
  if (isBinary) return new AppError("bad_request", "frames must be JSON text");
  const text = data.toString();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new AppError("bad_request", "frame is not valid JSON");
  }
  const nulAt = findNulCharacterInJson(text, json, "message");
  if (nulAt) return new AppError("invalid_body", `${nulAt}: contains a NUL character (\\u0000)`);
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success) {
    return new AppError("invalid_body", describeIssues(parsed.error.issues, "message"));
  }
  return parsed.data;
}
