# workerd serving the bundled worker.mjs on 127.0.0.1:$PORT (pack-check.sh fills in the port), with
# nodejs_compat, as a Cloudflare Worker deployed with that flag runs it.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:PORT", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["nodejs_compat"],
);
