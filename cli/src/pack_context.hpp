#pragma once
// The served pack prepared for the pages of `waymark serve` (server/pack_context.hpp).

#include <memory>

#include "pipeline.hpp"
#include "waymark/engine/prepare.hpp"
#include "waymark/server/pack_context.hpp"

namespace waymark::cli {

/// The vocabulary, calendar, rules and parameters of a prepared pack, and an evaluation of it with
/// one parameter overridden (the impact preview). Keeps the pack and its sources alive.
std::shared_ptr<const server::pages::PackContext> pack_context(std::shared_ptr<engine::PreparedPack> ready,
                                                               std::shared_ptr<dsl::SourceSet> sources);

}  // namespace waymark::cli
