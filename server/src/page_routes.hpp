#pragma once
// Private to the server: the routes of the pages (issue 12), beside the JSON API's.

#include <memory>

#include "site.hpp"

namespace waymark::server {

namespace pages {
struct PackContext;
}

/// `/`, `/login` (GET), `/pupils`, `/pupils/:id`, `/flags/:id` (and its `/ack` form), `/packs`,
/// `/impact`, `/runs`, `/audit`. Nothing without the served pack's context.
void add_page_routes(Routes& routes, std::shared_ptr<const pages::PackContext> pack);

}  // namespace waymark::server
