#pragma once
// Private to the server: the routes of the JSON API (server.md) and of signing in and out.

#include "site.hpp"

namespace waymark::server {

/// `/healthz` and `/api/...`.
void add_api_routes(Routes& routes);
/// The session cookie's token in a request ("" without one).
std::string session_token(const Request& request);
/// `POST /login` and `POST /logout`.
void add_session_routes(Routes& routes);

}  // namespace waymark::server
