// Application: the composition root. It owns every long-lived object of `serve` (the
// database, pools, routers, listeners, jobs), wires them together, and tears them down
// in the reverse order. Only this folder knows which storage backend and which mail
// sender run.
//
// Start() and Shutdown() are called from the main thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "common/status.h"
#include "config/options.h"

namespace howler::app {

class Application {
 public:
  explicit Application(config::Options options);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  // Opens storage, applies migrations, binds the three listeners and starts the jobs.
  // A listener that cannot bind is an error naming its port (nothing is left running).
  Status Start();

  // Stops accepting on all listeners, lets in-flight requests finish within
  // SHUTDOWN_TIMEOUT, stops jobs, closes storage. Idempotent.
  void Shutdown();

  // On SIGHUP, from the main thread after Start(): reads TLS_CERT_FILE and TLS_KEY_FILE
  // again; the HTTPS and gRPC listeners use the new certificate for connections accepted
  // from now on, open ones keep theirs. Files that cannot be read or do not belong
  // together leave the current certificate in place and are logged as an error. Does
  // nothing without TLS.
  void ReloadTls();

 private:
  Status StartRedirect();  // HTTP_REDIRECT_PORT's listener, once the HTTPS one is bound
  Status StartAuth();      // mail, password hashing, tokens, sessions, auth service

  void StartSync();  // sync store, service and the per-user limiter
  void StartLive();  // live sync notifier and its WebSocket route (after StartSync)
  // The database manager: engines, address policy, sessions, its routes (after StartSync).
  Status StartDbManager();
  void StartAi();  // the AI assistant (after the database manager, whose schemas it reads)
  struct Parts;
  config::Options options_;
  std::unique_ptr<Parts> parts_;
};

// `serve`: runs until SIGINT/SIGTERM, then shuts down gracefully; SIGHUP reloads the TLS
// certificate (Application::ReloadTls). Returns the exit code.
int RunServe(config::Options options);

}  // namespace howler::app
