// Runs of the pack started from the API (`POST /api/runs`, la_officer): one worker thread runs them
// one at a time, off the request threads, reporting progress that `GET /api/runs/jobs/ID` shows.

#include "site.hpp"

namespace waymark::server {

namespace {

constexpr std::size_t kept_jobs = 50;  // finished jobs remembered for their status page

}  // namespace

std::optional<std::int64_t> Site::start_job(const std::string& as_of, Role by) {
  std::lock_guard lock(jobs_mutex_);
  if (jobs_stopping_ || !options_.run_pack) return std::nullopt;
  for (const RunJob& j : jobs_) {
    if (j.state == "queued" || j.state == "running") return std::nullopt;
  }
  RunJob job;
  job.id = jobs_.empty() ? 1 : jobs_.back().id + 1;
  job.as_of = as_of;
  job.started_by = role_name(by);
  jobs_.push_back(job);
  if (jobs_.size() > kept_jobs) jobs_.erase(jobs_.begin());
  jobs_wake_.notify_all();
  return job.id;
}

std::optional<RunJob> Site::job(std::int64_t id) const {
  std::lock_guard lock(jobs_mutex_);
  for (const RunJob& j : jobs_) {
    if (j.id == id) return j;
  }
  return std::nullopt;
}

std::vector<RunJob> Site::jobs() const {
  std::lock_guard lock(jobs_mutex_);
  return {jobs_.rbegin(), jobs_.rend()};
}

void Site::stop_jobs() {
  {
    std::lock_guard lock(jobs_mutex_);
    jobs_stopping_ = true;
  }
  jobs_wake_.notify_all();
  if (job_thread_ && job_thread_->joinable()) job_thread_->join();
}

void Site::job_worker() {
  for (;;) {
    std::int64_t id = 0;
    std::string as_of;
    {
      std::unique_lock lock(jobs_mutex_);
      jobs_wake_.wait(lock, [&] {
        if (jobs_stopping_) return true;
        for (const RunJob& j : jobs_) {
          if (j.state == "queued") return true;
        }
        return false;
      });
      for (RunJob& j : jobs_) {
        if (j.state == "queued") {
          if (jobs_stopping_) {
            j.state = "failed";
            j.error = "the server was stopped before the run started";
            continue;
          }
          j.state = "running";
          id = j.id;
          as_of = j.as_of;
          break;
        }
      }
      if (id == 0) {
        if (jobs_stopping_) return;
        continue;
      }
    }
    auto update = [&](auto&& change) {
      std::lock_guard lock(jobs_mutex_);
      for (RunJob& j : jobs_) {
        if (j.id == id) change(j);
      }
    };
    dsl::Diagnostics diagnostics;
    std::optional<std::int64_t> run;
    try {
      run = options_.run_pack(*dsl::Date::parse_iso(as_of),
                              [&](std::size_t done, std::size_t total) {
                                update([&](RunJob& j) {
                                  j.done = done;
                                  j.total = total;
                                });
                              },
                              diagnostics);
    } catch (const std::exception&) {
      diagnostics.error({}, "internal-error", "the run failed: internal error; nothing was stored");
    }
    update([&](RunJob& j) {
      if (run) {
        j.state = "done";
        j.run = *run;
        j.done = j.total;
      } else {
        j.state = "failed";
        // Codes and messages of the pack and store: they name files and codes, never pupil data.
        for (const dsl::Diagnostic& d : diagnostics.all()) {
          if (d.severity == dsl::Severity::error) j.error += (j.error.empty() ? "" : "; ") + d.code + ": " + d.message;
        }
        if (j.error.empty()) j.error = "the run failed";
      }
    });
  }
}

}  // namespace waymark::server
