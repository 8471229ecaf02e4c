// The baseline: the "who's online" server teams write with Socket.IO, as it is usually written.
// A map of socket → user and page; admins join a room, get a snapshot, then join/page/leave.
import { createServer } from "node:http";
import { jwtVerify } from "jose";
import { Server } from "socket.io";
import { onCommands, readConfig, reply } from "../harness/child-runtime.mjs";

const config = readConfig();
const key = new TextEncoder().encode(config.secret);

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false, cors: { origin: "*" } });

/** @type {Map<string, { id: string, user: string, name: string, page: unknown, since: number }>} */
const online = new Map();

// Who is who: the same signed tokens the host platform gives Rollcall's tracker and dashboard.
io.use(async (socket, next) => {
  try {
    const token = String(socket.handshake.auth?.token ?? "");
    const isAdmin = socket.handshake.auth?.admin === true;
    const { payload } = await jwtVerify(token, key, {
      audience: isAdmin ? "rollcall:view" : "rollcall:track",
    });
    socket.data.user = String(payload.sub);
    socket.data.name = String(payload.name ?? payload.sub);
    socket.data.isAdmin = isAdmin;
    next();
  } catch {
    next(new Error("unauthorized"));
  }
});

io.on("connection", (socket) => {
  if (socket.data.isAdmin) {
    socket.join("admins");
    socket.emit("snapshot", [...online.values()]);
    return;
  }
  const entry = {
    id: socket.id,
    user: socket.data.user,
    name: socket.data.name,
    page: socket.handshake.auth?.page ?? null,
    since: Date.now(),
  };
  online.set(socket.id, entry);
  io.to("admins").emit("join", entry);

  socket.on("page", (page) => {
    entry.page = page;
    io.to("admins").emit("page", { id: socket.id, user: entry.user, page });
  });
  socket.on("disconnect", () => {
    online.delete(socket.id);
    io.to("admins").emit("leave", { id: socket.id, user: entry.user });
  });
});

onCommands({
  count: () => reply({ type: "count", online: online.size }),
});
httpServer.listen(config.port, "127.0.0.1", () => {
  const address = /** @type {import("node:net").AddressInfo} */ (httpServer.address());
  reply({ type: "ready", port: address.port });
});
