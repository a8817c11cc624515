// `waymark serve`'s security rules (server.md): sign-in, cookies, expiry, CSRF and Origin, bad
// input that never crashes nor answers 500, concurrent acknowledgements that all reach the audit
// chain, and a log that holds no pupil data.

#include <thread>

#include "serve_support.hpp"

namespace waymark::server::testing {
namespace {

int status_of(const httplib::Result& r) { return r ? r->status : -1; }

class Security : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    fixture_ = new Fixture(make_fixture("security"));
    server_ = new Server(*fixture_);
  }
  static void TearDownTestSuite() {
    delete server_;
    fs::remove_all(fixture_->dir);
    delete fixture_;
  }
  static Fixture* fixture_;
  static Server* server_;
};

Fixture* Security::fixture_ = nullptr;
Server* Security::server_ = nullptr;

TEST_F(Security, ACookieIsHttpOnlyAndSameSiteStrictButNotSecureWithoutTls) {
  auto c = server_->client();
  const auto r = c.Post("/login", httplib::Params{{"name", "oak"}, {"password", password()}});
  ASSERT_EQ(status_of(r), 303);
  EXPECT_EQ(r->get_header_value("Location"), "/");
  const std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.rfind("waymark_session=", 0), 0u);
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  // The token is 32 random bytes in hex; the database keeps only its SHA-256.
  const std::string token = cookie.substr(16, cookie.find(';') - 16);
  EXPECT_EQ(token.size(), 64u);
}

TEST_F(Security, AWrongNameAndAWrongPasswordAnswerTheSame) {
  auto c = server_->client();
  const auto wrong_password = c.Post("/login", httplib::Params{{"name", "officer"}, {"password", "not the password"}});
  const auto wrong_name = c.Post("/login", httplib::Params{{"name", "nobody"}, {"password", password()}});
  ASSERT_EQ(status_of(wrong_password), 401);
  ASSERT_EQ(status_of(wrong_name), 401);
  EXPECT_EQ(wrong_password->body, wrong_name->body);
  EXPECT_EQ(wrong_password->get_header_value("Set-Cookie"), "");
}

TEST_F(Security, RepeatedFailuresForOneNameAreSlowed) {
  auto c = server_->client();
  // After three failures a name waits 2 s before it may try again (429), even with the right
  // password; a name that does not exist is treated the same. Another name is not affected.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(status_of(c.Post("/login", httplib::Params{{"name", "auditor"}, {"password", "wrong password!"}})), 401);
  }
  const auto slowed = c.Post("/login", httplib::Params{{"name", "auditor"}, {"password", password()}});
  ASSERT_EQ(status_of(slowed), 429);
  EXPECT_FALSE(slowed->get_header_value("Retry-After").empty());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(status_of(c.Post("/login", httplib::Params{{"name", "ghost"}, {"password", "wrong password!"}})), 401);
  }
  EXPECT_EQ(status_of(c.Post("/login", httplib::Params{{"name", "ghost"}, {"password", "wrong password!"}})), 429);
  EXPECT_TRUE(sign_in(c, "two"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));  // past auditor's 2 s
  EXPECT_TRUE(sign_in(c, "auditor"));
}

TEST_F(Security, EveryPostNeedsTheSessionsCsrfToken) {
  auto c = server_->client();
  const auto s = sign_in(c, "oak");
  ASSERT_TRUE(s);
  const std::string body = R"({"note":"csrf check"})";
  EXPECT_EQ(status_of(c.Post("/api/flags/1/ack", s->headers(false), body, "application/json")), 403);
  httplib::Headers wrong{{"Cookie", s->cookie}, {"X-CSRF-Token", std::string(64, 'a')}};
  EXPECT_EQ(status_of(c.Post("/api/flags/1/ack", wrong, body, "application/json")), 403);
  // Another user's token is not this session's.
  const auto other = sign_in(c, "two");
  ASSERT_TRUE(other);
  httplib::Headers theirs{{"Cookie", s->cookie}, {"X-CSRF-Token", other->csrf}};
  EXPECT_EQ(status_of(c.Post("/api/flags/1/ack", theirs, body, "application/json")), 403);
  // The header, or a form field `csrf` (for pages).
  EXPECT_EQ(status_of(c.Post("/api/flags/1/ack", s->headers(), body, "application/json")), 201);
  EXPECT_EQ(status_of(c.Post("/api/flags/1/ack", s->headers(false),
                             httplib::Params{{"note", "from a form"}, {"csrf", s->csrf}})),
            201);
  EXPECT_EQ(status_of(c.Post("/logout", s->headers(false), "", "application/json")), 403);
}

TEST_F(Security, APostFromAnotherSiteIsRefused) {
  auto c = server_->client();
  const auto s = sign_in(c, "oak");
  ASSERT_TRUE(s);
  const std::string body = R"({"note":"origin check"})";
  auto with = [&](std::pair<std::string, std::string> extra) {
    httplib::Headers h = s->headers();
    h.emplace(extra.first, extra.second);
    return status_of(c.Post("/api/flags/1/ack", h, body, "application/json"));
  };
  EXPECT_EQ(with({"Origin", "http://evil.example"}), 403);
  EXPECT_EQ(with({"Origin", "null"}), 403);
  EXPECT_EQ(with({"Sec-Fetch-Site", "cross-site"}), 403);
  EXPECT_EQ(with({"Origin", "http://127.0.0.1:" + std::to_string(server_->port())}), 201);
  // Signing in from another site is refused too.
  httplib::Headers evil{{"Origin", "http://evil.example"}};
  EXPECT_EQ(status_of(c.Post("/login", evil, httplib::Params{{"name", "oak"}, {"password", password()}})), 403);
}

TEST_F(Security, SigningOutEndsTheSession) {
  auto c = server_->client();
  const auto s = sign_in(c, "officer");
  ASSERT_TRUE(s);
  const auto out = c.Post("/logout", s->headers(), "", "application/json");
  ASSERT_EQ(status_of(out), 200);
  EXPECT_NE(out->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(status_of(c.Get("/api/me", s->headers(false))), 401);
}

TEST_F(Security, RemovingAUserEndsTheirSessions) {
  auto c = server_->client();
  const Ran added = waymark({"user", "add", "--db", fixture_->db, "leaver", "--role", "auditor"}, "a long enough password\n");
  ASSERT_EQ(added.code, 0) << added.out;
  const auto s = sign_in(c, "leaver", "a long enough password");
  ASSERT_TRUE(s);
  EXPECT_EQ(status_of(c.Get("/api/me", s->headers(false))), 200);
  const Ran removed = waymark({"user", "remove", "--db", fixture_->db, "leaver"});
  ASSERT_EQ(removed.code, 0) << removed.out;
  EXPECT_EQ(status_of(c.Get("/api/me", s->headers(false))), 401);
}

TEST_F(Security, SessionsExpireAfterInactivity) {
  Server short_lived(*fixture_, {"--idle-timeout", "3"});
  auto c = short_lived.client();
  const auto s = sign_in(c, "oak");
  ASSERT_TRUE(s);
  EXPECT_EQ(status_of(c.Get("/api/me", s->headers(false))), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));  // 4.5 s idle > 3 s
  EXPECT_EQ(status_of(c.Get("/api/me", s->headers(false))), 401);
  EXPECT_EQ(short_lived.stop(), 0);
}

TEST_F(Security, BadInputNeverCrashesNorAnswers500) {
  auto c = server_->client();
  const auto s = sign_in(c, "officer");
  const auto oak = sign_in(c, "oak");
  ASSERT_TRUE(s && oak);
  const std::vector<std::pair<std::string, int>> gets{
      {"/api/pupils/%ZZ", 404},  {"/api/pupils/%00", 404},        {"/api/flags/abc", 404},
      {"/api/flags/-1", 404},    {"/api/flags/99999999999999999999", 404}, {"/api/flags/", 404},
      {"/api/pupils?limit=abc", 400}, {"/api/pupils?limit=0", 400},  {"/api/pupils?offset=-3", 400},
      {"/api/pupils?limit=99999", 400}, {"/api/nothing", 404},      {"/../../etc/passwd", 404},
      {"/assets/../la.db", 404}, {"/api/runs/jobs/xyz", 404},       {std::string("/api/pupils/") + std::string(3000, 'x'), 404},
      // The pages read ids with the same whole_number as the API.
      {"/flags/abc", 404},       {"/flags/-1", 404},                {"/flags/99999999999999999999", 404},
  };
  for (const auto& [path, expected] : gets) {
    EXPECT_EQ(status_of(c.Get(path, s->headers(false))), expected) << path;
  }
  const std::vector<std::string> bodies{"", "not json", "{", "[]", R"({"note": 5})", R"({"note": "   "})",
                                        R"({"nope": "x"})", "{\"note\": \"\xff\xfe\"}", std::string(5000, '{')};
  for (const std::string& body : bodies) {
    EXPECT_EQ(status_of(c.Post("/api/flags/1/ack", oak->headers(), body, "application/json")), 400) << body;
  }
  const std::string long_note = R"({"note": ")" + std::string(4001, 'x') + R"("})";
  EXPECT_EQ(status_of(c.Post("/api/flags/1/ack", oak->headers(), long_note, "application/json")), 400);
  EXPECT_EQ(status_of(c.Post("/api/flags/1/ack", oak->headers(), std::string(100000, 'x'), "application/json")), 413);
  EXPECT_EQ(status_of(c.Post("/login", "name=oak", "application/x-www-form-urlencoded")), 400);
  EXPECT_EQ(status_of(c.Put("/api/flags/1/ack", "{}", "application/json")), 405);
  EXPECT_EQ(status_of(c.Delete("/api/pupils/P-0042")), 405);
  // Still serving.
  EXPECT_EQ(status_of(c.Get("/healthz")), 200);
}

TEST_F(Security, ConcurrentAcknowledgementsAreAllKeptAndChained) {
  // 8 clients (two SENCOs, four each), 10 acknowledgements each: 80, none lost.
  const int clients = 8;
  const int each = 10;
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      auto c = server_->client();
      const bool oakfield = i % 2 == 0;
      const auto s = sign_in(c, oakfield ? "oak" : "two");
      if (!s) return;
      for (int k = 0; k < each; ++k) {
        const int flag = oakfield ? 2 : 4;  // P-0042's second flag, R-0001's second flag
        const std::string body = R"({"note": "concurrent )" + std::to_string(i) + "-" + std::to_string(k) + R"("})";
        if (status_of(c.Post("/api/flags/" + std::to_string(flag) + "/ack", s->headers(), body, "application/json")) == 201) {
          ++created;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(created.load(), clients * each);
  auto c = server_->client();
  const auto s = sign_in(c, "auditor");
  ASSERT_TRUE(s);
  int concurrent = 0;
  for (const char* flag : {"/api/flags/2", "/api/flags/4"}) {
    const json answer = json::parse(c.Get(flag, s->headers(false))->body);
    for (const json& a : answer["acknowledgements"]) {
      concurrent += a["note"].get<std::string>().rfind("concurrent ", 0) == 0 ? 1 : 0;
    }
  }
  EXPECT_EQ(concurrent, clients * each);
  const Ran verify = waymark({"audit", "verify", "--db", fixture_->db});
  EXPECT_EQ(verify.code, 0) << verify.out;
  EXPECT_NE(verify.out.find("user change"), std::string::npos) << verify.out;
  const Ran history = waymark({"history", "--db", fixture_->db, "--pupil", "P-0042"});
  EXPECT_NE(history.out.find("concurrent 0-9"), std::string::npos);
}

TEST_F(Security, TheLogHoldsRouteTemplatesAndRolesButNoPupilData) {
  auto c = server_->client();
  const auto s = sign_in(c, "oak");
  ASSERT_TRUE(s);
  ASSERT_EQ(status_of(c.Get("/api/pupils/P-0042", s->headers(false))), 200);
  ASSERT_EQ(status_of(c.Get("/api/pupils?school=Oakfield%20Academy", s->headers(false))), 200);
  ASSERT_EQ(status_of(c.Post("/api/flags/1/ack", s->headers(), R"({"note":"Spoke to Sam's mum"})", "application/json")), 201);
  const std::string log = server_->log();
  EXPECT_NE(log.find(" GET /api/pupils/:id 200 "), std::string::npos) << log;
  EXPECT_NE(log.find(" POST /api/flags/:number/ack 201 "), std::string::npos);
  EXPECT_NE(log.find("ms senco\n"), std::string::npos);
  for (const char* secret : {"P-0042", "P-0043", "R-0001", "Oakfield", "Sam", "Q801200110001", "oak ", "two ",
                             "correct horse", "waymark_session"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " is in the log:\n" << log;
  }
}

TEST_F(Security, RedactServesNoNotes) {
  Server redacted(*fixture_, {"--redact"});
  auto c = redacted.client();
  const auto s = sign_in(c, "oak");
  ASSERT_TRUE(s);
  // Each test may run in its own process (ctest), so this one records the note it looks for.
  ASSERT_EQ(status_of(c.Post("/api/flags/1/ack", s->headers(), R"({"note":"csrf check"})", "application/json")), 201);
  const auto r = c.Get("/api/pupils/P-0042", s->headers(false));
  ASSERT_EQ(status_of(r), 200);
  EXPECT_EQ(r->body.find("csrf check"), std::string::npos);
  EXPECT_NE(r->body.find("[redacted]"), std::string::npos);
}

TEST_F(Security, UnderTlsTheCookieIsSecure) {
  // A throwaway self-signed certificate for 127.0.0.1 (the openssl tool comes with libssl).
  const std::string cert = (fixture_->dir / "cert.pem").string();
  const std::string key = (fixture_->dir / "key.pem").string();
  const std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout '" + key +
                           "' -out '" + cert + "' >/dev/null 2>&1";
  if (std::system(make.c_str()) != 0) GTEST_SKIP() << "no openssl tool to make a certificate";
  Server tls(*fixture_, {"--cert", cert, "--key", key});
  httplib::SSLClient c("127.0.0.1", tls.port());
  c.enable_server_certificate_verification(false);
  const auto r = c.Post("/login", httplib::Params{{"name", "oak"}, {"password", password()}});
  ASSERT_EQ(status_of(r), 303);
  const std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("; HttpOnly; SameSite=Strict; Secure"), std::string::npos) << cookie;
  EXPECT_FALSE(r->get_header_value("Strict-Transport-Security").empty());
  // Plain HTTP to the TLS port gets nothing.
  auto plain = tls.client();
  plain.set_read_timeout(2);
  EXPECT_FALSE(plain.Get("/healthz"));
  EXPECT_EQ(tls.stop(), 0);
}

TEST_F(Security, AServerStopsCleanlyOnSigterm) {
  Server s(*fixture_);
  auto c = s.client();
  EXPECT_EQ(status_of(c.Get("/healthz")), 200);
  EXPECT_EQ(s.stop(), 0);
}

TEST(UserCommand, RefusesWhatServerMdRefuses) {
  const Fixture f = make_fixture("users");
  const std::string long_password = "a long enough password\n";
  EXPECT_EQ(waymark({"user", "add", "--db", f.db, "x", "--role", "senco"}, long_password).code, 2);  // no school
  EXPECT_EQ(waymark({"user", "add", "--db", f.db, "x", "--role", "auditor", "--school", "A"}, long_password).code, 2);
  EXPECT_EQ(waymark({"user", "add", "--db", f.db, "x", "--role", "admin"}, long_password).code, 2);
  EXPECT_EQ(waymark({"user", "add", "--db", f.db, "x", "--role", "auditor"}, "short\n").code, 2);
  EXPECT_EQ(waymark({"user", "add", "--db", f.db, "oak", "--role", "auditor"}, long_password).code, 2);  // exists
  EXPECT_EQ(waymark({"user", "remove", "--db", f.db, "nobody"}).code, 2);
  const Ran list = waymark({"user", "list", "--db", f.db});
  ASSERT_EQ(list.code, 0);
  EXPECT_EQ(list.out,
            "auditor\tauditor\t\n"
            "oak\tsenco\tOakfield Academy\n"
            "officer\tla_officer\t\n"
            "two\tsenco\tHillcrest High, Riverside Primary\n");
  EXPECT_EQ(list.out.find("scrypt"), std::string::npos);
  fs::remove_all(f.dir);
}

}  // namespace
}  // namespace waymark::server::testing
