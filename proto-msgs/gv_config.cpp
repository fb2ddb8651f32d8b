/*  gv_config.cpp — reads cluster.toml with toml++ into the plain C struct of gv_config.h.
 *
 *  Loading has two steps. A Loader walks the TOML tree into C++ values (std::string,
 *  std::vector), checking every key, type and range as it goes and throwing a config_error
 *  that already holds the finished sentence ("<file> line N: ..."); then the cluster-wide
 *  rules run (exactly one broker, unique node names, every required actor placed exactly
 *  once). Only a fully valid result is copied into malloc'd C memory, so C callers never see
 *  a half-filled config, and no C++ exception crosses the extern "C" boundary.
 *
 *  The schema (every key, its type, range and default) is documented at the top of the
 *  repository's cluster.toml; the tables below are its machine-checked twin.
 */
#include "gv_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace
{

/* Named limits; cluster.toml documents the same numbers. */
constexpr size_t k_max_file_bytes = 1 << 20; /* a cluster map is a few KiB */
constexpr size_t k_max_name_len = 63;        /* node names become file names and ZMQ ids */
constexpr size_t k_max_ipc_path = 107;       /* sizeof(sockaddr_un.sun_path) - 1 */

const std::vector<std::string> k_top_keys = {"cluster", "heartbeat", "limits",   "auth",
                                             "judging", "contests", "node",  "languages"};
const std::vector<std::string> k_contests_keys = {"submissions_per_minute"};
const std::vector<std::string> k_cluster_keys = {"name"};
const std::vector<std::string> k_heartbeat_keys = {"interval_ms", "liveness"};
const std::vector<std::string> k_limits_keys = {"max_message_bytes", "max_body_bytes",
                                                "max_source_bytes", "request_timeout_ms",
                                                "submissions_per_minute_per_user",
                                                "max_queued_per_user"};
const std::vector<std::string> k_auth_keys = {"token_ttl_s"};
const std::vector<std::string> k_judging_keys = {"default_time_limit_ms", "output_limit_kb",
                                                 "cache_mb", "reoffer_interval_ms",
                                                 "compile_cache_mb", "wall_time_percent",
                                                 "wall_time_extra_ms"};
const std::vector<std::string> k_lang_keys = {"name",    "source_file", "compile",
                                              "run",     "version",     "compile_time_limit_ms",
                                              "processes", "binds",     "env",
                                              "toolchain"};
const std::vector<std::string> k_node_common_keys = {"role", "name", "host"};
/* Indexed by gv_role_t. */
const std::vector<std::string> k_role_names = {"broker", "actors", "edge", "judge"};
const std::vector<std::vector<std::string>> k_role_keys = {
    {"router_endpoint", "pub_endpoint", "sub_endpoint"},
    {"actors", "contests", "map_size_mb"},
    {"listen", "threads", "max_streams", "max_streams_per_address", "max_connections_per_address",
     "header_timeout_ms", "trusted_addresses"},
    {"slots", "run_user", "languages", "insecure", "uid_base", "tmp_size_mb", "work_size_mb",
     "work_inodes", "uid_window", "uid_lock_dir"},
};

/* Actor addresses an actors node may host by name; contests may also be pinned as
 * "contest/<id>". The first three must be placed somewhere; the contest directory
 * ("contests") goes with "problems" unless placed. */
const std::vector<std::string> k_known_actors = {"accounts", "problems", "submissions",
                                                 "judgequeue", "contests"};
const std::vector<std::string> k_required_actors = {"accounts", "problems", "submissions"};
const std::vector<std::string> k_placeholders = {"src", "exe", "dir", "toolchain"};

struct config_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct NodeSpec {
    gv_role_t role = GV_ROLE_BROKER;
    std::string name, host;
    uint32_t line = 0, role_line = 0, name_line = 0, listen_line = 0;
    std::string router, pub, sub;
    std::vector<std::pair<std::string, uint32_t>> actors; /* address, line */
    bool contests = true;
    uint64_t map_size_mb = 65536;
    std::string listen;
    uint32_t threads = 64;
    /* edge limits (issue 10): derived from threads unless given */
    uint32_t max_streams = 0, max_streams_per_address = 0, max_conns_per_address = 0;
    uint32_t header_timeout_ms = GV_EDGE_HEADER_TIMEOUT_MS_DEFAULT;
    std::vector<std::string> trusted = {"127.0.0.1", "::1"}; /* no per-address caps */
    uint32_t slots = 1;
    std::string run_user = "nobody";
    bool has_languages_only = false;
    std::string languages_only;
    bool insecure = false;
    uint32_t uid_base = 60000;
    uint32_t tmp_size_mb = 64;
    uint32_t work_size_mb = GV_WORK_SIZE_MB_DEFAULT;
    uint32_t work_inodes = GV_WORK_INODES_DEFAULT;
    uint32_t uid_window = GV_UID_WINDOW_DEFAULT;
    std::string uid_lock_dir = GV_UID_LOCK_DIR_DEFAULT;
    uint32_t uid_window_line = 0;
};

struct LangSpec {
    std::string id, name, source_file;
    uint32_t line = 0;
    std::vector<std::string> compile, run, version;
    uint32_t compile_time_limit_ms = 10000;
    uint32_t processes = GV_LANG_PROCESSES_DEFAULT;
    std::vector<std::string> binds, env;
    std::vector<std::string> toolchain; /* argv printing the toolchain's directory */
};

/* ---- small string helpers ---------------------------------------------------------- */

size_t s_levenshtein(const std::string &a, const std::string &b)
{
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++)
        prev[j] = j;
    for (size_t i = 1; i <= a.size(); i++) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); j++) {
            size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

/* " (did you mean `x`?)" for the closest candidate within distance 2, else "". */
std::string s_hint(const std::string &word, const std::vector<std::string> &candidates,
                   const char *open = "`", const char *close = "`")
{
    const std::string *best = nullptr;
    size_t best_d = 3;
    for (const auto &c : candidates) {
        size_t d = s_levenshtein(word, c);
        if (d < best_d) {
            best_d = d;
            best = &c;
        }
    }
    if (!best) return "";
    return std::string(" (did you mean ") + open + *best + close + "?)";
}

std::string s_join(const std::vector<std::string> &v, const char *sep)
{
    std::string out;
    for (size_t i = 0; i < v.size(); i++)
        out += (i ? sep : "") + v[i];
    return out;
}

std::string s_replace_all(std::string s, const std::string &from, const std::string &to)
{
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

bool s_starts_with(const std::string &s, const char *prefix)
{
    return s.compare(0, strlen(prefix), prefix) == 0;
}

bool s_all_digits(const std::string &s)
{
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/* A contest id as it appears in an address: canonical decimal uint64, no leading zeros. */
bool s_canonical_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 20 || strspn(s, "0123456789") != n || (s[0] == '0' && n > 1)) return false;
    return n < 20 || strcmp(s, "18446744073709551615") <= 0;
}

std::string s_type_name(const toml::node &n)
{
    switch (n.type()) {
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a floating-point number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    default:
        return "nothing";
    }
}

/* toml++ tables iterate in key order; errors should report the first mistake in the file. */
std::vector<std::pair<uint32_t, std::string>> s_keys_in_file_order(const toml::table &t)
{
    std::vector<std::pair<uint32_t, std::string>> keys;
    for (auto &&[k, v] : t) {
        (void)v;
        keys.emplace_back(k.source().begin.line, std::string(k.str()));
    }
    std::sort(keys.begin(), keys.end());
    return keys;
}

/* Makes `dir` absolute without requiring it to exist yet (`gavel up` creates it). */
std::string s_absolute_dir(const std::string &dir)
{
    char *real = realpath(dir.c_str(), nullptr);
    if (real) {
        std::string out(real);
        free(real);
        return out;
    }
    std::string path = dir;
    if (path[0] != '/') {
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd))
            throw config_error("cannot resolve the data directory `" + dir +
                               "`: " + strerror(errno));
        path = std::string(cwd) + "/" + path;
    }
    /* Lexical clean-up: drop "", "." and resolve "..". */
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string part = path.substr(start, end - start);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".")
            parts.push_back(part);
        start = end + 1;
    }
    return parts.empty() ? "/" : "/" + s_join(parts, "/");
}

/* ---- the loader ------------------------------------------------------------------- */

class Loader
{
  public:
    Loader(std::string path, std::string data) : path_(std::move(path)), data_(std::move(data)) {}

    void load();

    std::string cluster_name = "gavel";
    uint32_t heartbeat_interval_ms = 1000, heartbeat_liveness = 3;
    uint64_t max_message_bytes = 64ull << 20, max_body_bytes = 1ull << 20, max_source_bytes = 65536;
    uint32_t request_timeout_ms = 5000, token_ttl_s = 86400, reoffer_interval_ms = 30000,
             judge_default_time_limit_ms = 2000;
    uint64_t judge_output_limit_kb = 65536, judge_cache_mb = 1024;
    uint64_t judge_compile_cache_mb = GV_COMPILE_CACHE_MB_DEFAULT;
    uint32_t judge_wall_time_percent = GV_WALL_TIME_PERCENT_DEFAULT,
             judge_wall_time_extra_ms = GV_WALL_TIME_EXTRA_MS_DEFAULT;
    uint32_t contest_submissions_per_minute = 10;
    uint32_t user_submissions_per_minute = 10, max_queued_per_user = 10;
    std::vector<NodeSpec> nodes;
    std::vector<LangSpec> langs;

  private:
    std::string path_, data_;
    toml::table root_;

    [[noreturn]] void fail(const std::string &msg) const
    {
        throw config_error(path_ + ": " + msg);
    }
    [[noreturn]] void fail_at(uint32_t line, const std::string &msg) const
    {
        throw config_error(path_ + " line " + std::to_string(line) + ": " + msg);
    }
    [[noreturn]] void fail_at(const toml::source_region &src, const std::string &msg) const
    {
        fail_at(src.begin.line, msg);
    }

    void read_and_parse();
    const toml::table &section(const char *name, const std::vector<std::string> &keys);
    void check_keys(const toml::table &t, const std::vector<std::string> &valid,
                    const std::string &where) const;
    uint64_t integer(const toml::table &t, const std::string &key, const std::string &qual,
                     uint64_t def, uint64_t lo, uint64_t hi) const;
    bool boolean(const toml::table &t, const std::string &key, const std::string &qual,
                 bool def) const;
    void edge_limits(const toml::table &t, const std::string &q, NodeSpec &nd) const;
    const toml::value<std::string> *string_node(const toml::table &t, const std::string &key,
                                                const std::string &qual) const;
    std::vector<std::pair<std::string, uint32_t>>
    string_list(const toml::table &t, const std::string &key, const std::string &qual) const;
    void check_endpoint(const std::string &ep, uint32_t line, const std::string &qual) const;
    void check_listen(const std::string &listen, uint32_t line, const std::string &qual) const;
    void check_argv(std::vector<std::string> &argv,
                    const std::vector<std::pair<std::string, uint32_t>> &raw,
                    const std::string &qual) const;

    void load_globals();
    void load_languages();
    void load_nodes();
    void load_node(const toml::table &t, size_t index);
    void check_cluster() const;
    void place_directory();
};

void Loader::read_and_parse()
{
    FILE *f = fopen(path_.c_str(), "rb");
    if (!f) fail(std::string("cannot read the cluster map: ") + strerror(errno));
    std::string text;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        text.append(buf, n);
        if (text.size() > k_max_file_bytes) {
            fclose(f);
            fail("the file is larger than " + std::to_string(k_max_file_bytes) +
                 " bytes; is it really a cluster map?");
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) fail(std::string("cannot read the cluster map: ") + strerror(errno));
    try {
        root_ = toml::parse(std::string_view(text), std::string_view(path_));
    } catch (const toml::parse_error &e) {
        /* toml++ says what is wrong but not where in the line; quoting the line does. */
        uint32_t line = e.source().begin.line;
        size_t start = 0;
        for (uint32_t l = 1; l < line && start != std::string::npos; l++) {
            start = text.find('\n', start);
            if (start != std::string::npos) start++;
        }
        std::string quoted;
        if (start != std::string::npos && start < text.size()) {
            quoted = text.substr(start, text.find('\n', start) - start);
            quoted.erase(0, quoted.find_first_not_of(" \t"));
            quoted.erase(quoted.find_last_not_of(" \t\r") + 1);
            if (quoted.size() > 80) quoted = quoted.substr(0, 77) + "...";
        }
        fail_at(line, "invalid TOML: " + std::string(e.description()) +
                          (quoted.empty() ? "" : " in `" + quoted + "`"));
    }
}

/* Refuses the first key of `t` (in file order) that is not in `valid`, with a hint. */
void Loader::check_keys(const toml::table &t, const std::vector<std::string> &valid,
                        const std::string &where) const
{
    auto keys = s_keys_in_file_order(t);
    for (const auto &[line, key] : keys) {
        if (std::find(valid.begin(), valid.end(), key) != valid.end()) continue;
        std::string hint = s_hint(key, valid);
        if (hint.empty()) hint = "; valid keys here are " + s_join(valid, ", ");
        fail_at(line, "unknown key `" + key + "` in " + where + hint);
    }
}

const toml::table &Loader::section(const char *name, const std::vector<std::string> &keys)
{
    static const toml::table empty;
    const toml::node *n = root_.get(name);
    if (!n) return empty;
    const toml::table *t = n->as_table();
    if (!t)
        fail_at(n->source(), std::string("`") + name + "` must be a table ([" + name + "]), not " +
                                 s_type_name(*n));
    check_keys(*t, keys, std::string("[") + name + "]");
    return *t;
}

uint64_t Loader::integer(const toml::table &t, const std::string &key, const std::string &qual,
                         uint64_t def, uint64_t lo, uint64_t hi) const
{
    const toml::node *n = t.get(key);
    if (!n) return def;
    std::string range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    const toml::value<int64_t> *v = n->as_integer();
    if (!v) fail_at(n->source(), "`" + qual + "` must be " + range + ", not " + s_type_name(*n));
    int64_t x = v->get();
    if (x < 0 || static_cast<uint64_t>(x) < lo || static_cast<uint64_t>(x) > hi)
        fail_at(n->source(),
                "`" + qual + "` = " + std::to_string(x) + " is out of range: expected " + range);
    return static_cast<uint64_t>(x);
}

/* The edge's stream budget and per-address caps (edge/limits.h): streams may hold at most
 * threads minus a reserve of threads/4 (1..GV_EDGE_STREAM_RESERVE_MAX) workers, so plain
 * requests always have the reserve. */
void Loader::edge_limits(const toml::table &t, const std::string &q, NodeSpec &nd) const
{
    uint32_t reserve = gv_edge_stream_reserve(nd.threads);
    uint32_t most = nd.threads - reserve;
    if (const toml::node *n = t.get("max_streams")) {
        const toml::value<int64_t> *v = n->as_integer();
        if (v && v->get() > static_cast<int64_t>(most) && v->get() <= 65536)
            fail_at(n->source(), "`" + q + "max_streams` = " + std::to_string(v->get()) +
                                     " would leave fewer than " + std::to_string(reserve) +
                                     " of the edge's " + std::to_string(nd.threads) +
                                     " threads for plain requests: set it to at most " +
                                     std::to_string(most) + ", or raise `" + q + "threads`");
    }
    nd.max_streams =
        static_cast<uint32_t>(integer(t, "max_streams", q + "max_streams", most, 0, most));
    nd.max_streams_per_address = static_cast<uint32_t>(
        integer(t, "max_streams_per_address", q + "max_streams_per_address",
                nd.max_streams >= 2 ? nd.max_streams / 2 : 1, 1, 65536));
    nd.max_conns_per_address = static_cast<uint32_t>(
        integer(t, "max_connections_per_address", q + "max_connections_per_address",
                nd.threads >= 2 ? nd.threads / 2 : 1, 0, 65536));
    nd.header_timeout_ms = static_cast<uint32_t>(integer(
        t, "header_timeout_ms", q + "header_timeout_ms", nd.header_timeout_ms, 500, 600000));
    if (t.get("trusted_addresses")) {
        nd.trusted.clear();
        for (const auto &[a, aline] : string_list(t, "trusted_addresses", q + "trusted_addresses")) {
            unsigned char bin[16];
            char text[INET6_ADDRSTRLEN];
            int fam = inet_pton(AF_INET, a.c_str(), bin) == 1    ? AF_INET
                      : inet_pton(AF_INET6, a.c_str(), bin) == 1 ? AF_INET6
                                                                 : 0;
            if (!fam || !inet_ntop(fam, bin, text, sizeof text))
                fail_at(aline, "`" + q + "trusted_addresses` entry \"" + a +
                                   "\" is not an IP address; write it as 127.0.0.1 or ::1");
            nd.trusted.emplace_back(text); /* as civetweb writes a client's address */
        }
    }
}

bool Loader::boolean(const toml::table &t, const std::string &key, const std::string &qual,
                     bool def) const
{
    const toml::node *n = t.get(key);
    if (!n) return def;
    const toml::value<bool> *v = n->as_boolean();
    if (!v)
        fail_at(n->source(),
                "`" + qual + "` must be a boolean (true or false), not " + s_type_name(*n));
    return v->get();
}

/* The string at `key`, or nullptr when absent. Empty strings are refused: every string key
 * in the schema needs a value, and "" is always a slip. */
const toml::value<std::string> *Loader::string_node(const toml::table &t, const std::string &key,
                                                    const std::string &qual) const
{
    const toml::node *n = t.get(key);
    if (!n) return nullptr;
    const toml::value<std::string> *v = n->as_string();
    if (!v) fail_at(n->source(), "`" + qual + "` must be a string, not " + s_type_name(*n));
    if (v->get().empty()) fail_at(n->source(), "`" + qual + "` must not be empty");
    if (v->get().find('\0') != std::string::npos)
        fail_at(n->source(), "`" + qual + "` must not contain a NUL character");
    return v;
}

std::vector<std::pair<std::string, uint32_t>>
Loader::string_list(const toml::table &t, const std::string &key, const std::string &qual) const
{
    std::vector<std::pair<std::string, uint32_t>> out;
    const toml::node *n = t.get(key);
    if (!n) return out;
    const toml::array *a = n->as_array();
    if (!a)
        fail_at(n->source(), "`" + qual + "` must be an array of strings, not " + s_type_name(*n));
    for (const toml::node &el : *a) {
        const toml::value<std::string> *s = el.as_string();
        if (!s)
            fail_at(el.source(),
                    "`" + qual + "` must be an array of strings, but holds " + s_type_name(el));
        if (s->get().empty()) fail_at(el.source(), "`" + qual + "` holds an empty string");
        if (s->get().find('\0') != std::string::npos)
            fail_at(el.source(), "`" + qual + "` holds a string with a NUL character");
        out.emplace_back(s->get(), el.source().begin.line);
    }
    return out;
}

/* Endpoints are connected to by other nodes, so they must name a reachable address. */
void Loader::check_endpoint(const std::string &ep, uint32_t line, const std::string &qual) const
{
    std::string shown = "`" + qual + "` = \"" + ep + "\"";
    if (ep.find_first_of("{}") != std::string::npos)
        fail_at(line, shown + " has an unknown placeholder; only {data} is replaced here");
    if (s_starts_with(ep, "ipc://")) {
        std::string p = ep.substr(6);
        if (p.empty()) fail_at(line, shown + " names no socket path");
        if (p.size() > k_max_ipc_path)
            fail_at(line, shown + ": the socket path is " + std::to_string(p.size()) +
                              " bytes, over the " + std::to_string(k_max_ipc_path) +
                              "-byte limit of a Unix socket path; use a shorter data directory");
        return;
    }
    if (s_starts_with(ep, "tcp://")) {
        std::string hp = ep.substr(6);
        size_t colon = hp.rfind(':');
        std::string host = colon == std::string::npos ? "" : hp.substr(0, colon);
        std::string port = colon == std::string::npos ? "" : hp.substr(colon + 1);
        if (host.empty() || !s_all_digits(port) || port.size() > 5 || std::stoul(port) == 0 ||
            std::stoul(port) > 65535)
            fail_at(line, shown + " is not tcp://HOST:PORT with a port from 1 to 65535");
        if (host == "*" || host == "0.0.0.0")
            fail_at(line, shown + ": other nodes connect to this address, so name the broker's "
                                  "host or IP rather than a wildcard");
        return;
    }
    fail_at(line, shown + " must start with ipc:// (one host) or tcp:// (several hosts)");
}

void Loader::check_listen(const std::string &listen, uint32_t line, const std::string &qual) const
{
    std::string shown = "`" + qual + "` = \"" + listen + "\"";
    if (listen.find('[') != std::string::npos)
        fail_at(line, shown + ": Debian's civetweb is built without IPv6; use an IPv4 address");
    size_t colon = listen.rfind(':');
    std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
    std::string port = colon == std::string::npos ? "" : listen.substr(colon + 1);
    if (host.empty() || host.find_first_of(" \t,") != std::string::npos || !s_all_digits(port) ||
        port.size() > 5 || std::stoul(port) == 0 || std::stoul(port) > 65535)
        fail_at(line, shown + " is not HOST:PORT with a port from 1 to 65535 "
                              "(e.g. \"127.0.0.1:8080\")");
}

/* Checks that every `{word}` is a placeholder the judge knows ({data} is ours), then replaces
 * {data}. Braces that do not look like a placeholder (`${HOME}`, `{}`) are left alone. */
void Loader::check_argv(std::vector<std::string> &argv,
                        const std::vector<std::pair<std::string, uint32_t>> &raw,
                        const std::string &qual) const
{
    for (const auto &[arg, line] : raw) {
        for (size_t at = arg.find('{'); at != std::string::npos; at = arg.find('{', at + 1)) {
            size_t end = arg.find('}', at);
            if (end == std::string::npos || end == at + 1 || (at > 0 && arg[at - 1] == '$'))
                continue;
            std::string name = arg.substr(at + 1, end - at - 1);
            bool word = std::all_of(name.begin(), name.end(), [](char ch) {
                return isalnum(static_cast<unsigned char>(ch)) || ch == '_';
            });
            if (!word || name == "data" ||
                std::find(k_placeholders.begin(), k_placeholders.end(), name) !=
                    k_placeholders.end())
                continue;
            fail_at(line, "`" + qual + "` uses an unknown placeholder `{" + name + "}`" +
                              s_hint(name, k_placeholders, "`{", "}`") +
                              "; the placeholders are {src}, {exe}, {dir}, {toolchain} and {data}");
        }
        argv.push_back(s_replace_all(arg, "{data}", data_));
    }
}

void Loader::load_globals()
{
    const toml::table &cl = section("cluster", k_cluster_keys);
    if (auto *v = string_node(cl, "name", "cluster.name")) cluster_name = v->get();

    const toml::table &hb = section("heartbeat", k_heartbeat_keys);
    heartbeat_interval_ms = static_cast<uint32_t>(
        integer(hb, "interval_ms", "heartbeat.interval_ms", heartbeat_interval_ms, 50, 60000));
    heartbeat_liveness = static_cast<uint32_t>(
        integer(hb, "liveness", "heartbeat.liveness", heartbeat_liveness, 1, 100));

    const toml::table &li = section("limits", k_limits_keys);
    max_message_bytes = integer(li, "max_message_bytes", "limits.max_message_bytes",
                                max_message_bytes, 65536, 4ull << 30);
    max_body_bytes = integer(li, "max_body_bytes", "limits.max_body_bytes", max_body_bytes, 1024,
                             max_message_bytes);
    max_source_bytes = integer(li, "max_source_bytes", "limits.max_source_bytes", max_source_bytes,
                               1, max_body_bytes);
    request_timeout_ms = static_cast<uint32_t>(integer(
        li, "request_timeout_ms", "limits.request_timeout_ms", request_timeout_ms, 100, 600000));

    user_submissions_per_minute = static_cast<uint32_t>(
        integer(li, "submissions_per_minute_per_user", "limits.submissions_per_minute_per_user",
                user_submissions_per_minute, 1, 100000));
    max_queued_per_user = static_cast<uint32_t>(integer(
        li, "max_queued_per_user", "limits.max_queued_per_user", max_queued_per_user, 1, 100000));

    const toml::table &au = section("auth", k_auth_keys);
    token_ttl_s = static_cast<uint32_t>(
        integer(au, "token_ttl_s", "auth.token_ttl_s", token_ttl_s, 60, 31536000));

    const toml::table &ju = section("judging", k_judging_keys);
    judge_default_time_limit_ms =
        static_cast<uint32_t>(integer(ju, "default_time_limit_ms", "judging.default_time_limit_ms",
                                      judge_default_time_limit_ms, 1, 600000));
    judge_output_limit_kb = integer(ju, "output_limit_kb", "judging.output_limit_kb",
                                    judge_output_limit_kb, 1, 16ull << 20);
    judge_cache_mb = integer(ju, "cache_mb", "judging.cache_mb", judge_cache_mb, 1, 1ull << 20);
    reoffer_interval_ms =
        static_cast<uint32_t>(integer(ju, "reoffer_interval_ms", "judging.reoffer_interval_ms",
                                      reoffer_interval_ms, 1000, 86400000));
    judge_compile_cache_mb = integer(ju, "compile_cache_mb", "judging.compile_cache_mb",
                                     judge_compile_cache_mb, 1, 1ull << 20);
    judge_wall_time_percent = static_cast<uint32_t>(
        integer(ju, "wall_time_percent", "judging.wall_time_percent", judge_wall_time_percent,
                100, 1000));
    judge_wall_time_extra_ms = static_cast<uint32_t>(
        integer(ju, "wall_time_extra_ms", "judging.wall_time_extra_ms", judge_wall_time_extra_ms,
                0, 60000));

    const toml::table &co = section("contests", k_contests_keys);
    contest_submissions_per_minute = static_cast<uint32_t>(
        integer(co, "submissions_per_minute", "contests.submissions_per_minute",
                contest_submissions_per_minute, 1, 100000));
}

void Loader::load_languages()
{
    const toml::node *n = root_.get("languages");
    if (!n) return;
    const toml::table *all = n->as_table();
    if (!all)
        fail_at(n->source(),
                "`languages` must be a table of [languages.<id>] tables, not " + s_type_name(*n));
    for (auto &&[k, v] : *all) {
        std::string id(k.str());
        uint32_t line = k.source().begin.line;
        const toml::table *t = v.as_table();
        if (!t)
            fail_at(line, "`languages." + id + "` must be a table ([languages." + id + "]), not " +
                              s_type_name(v));
        if (id.empty() || id.size() > 32 ||
            id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_+-") != std::string::npos ||
            !isalnum(static_cast<unsigned char>(id[0])))
            fail_at(line, "language id `" + id +
                              "` must be 1 to 32 lowercase letters, digits, "
                              "'_', '+' or '-', starting with a letter or digit");
        std::string q = "languages." + id + ".";
        check_keys(*t, k_lang_keys, "[languages." + id + "]");

        LangSpec l;
        l.id = id;
        l.line = line;
        const auto *name = string_node(*t, "name", q + "name");
        l.name = name ? name->get() : id;
        const auto *src = string_node(*t, "source_file", q + "source_file");
        if (!src)
            fail_at(line, "[languages." + id +
                              "] has no `source_file` (e.g. source_file = "
                              "\"main.c\")");
        l.source_file = src->get();
        if (l.source_file.find('/') != std::string::npos || l.source_file == "." ||
            l.source_file == ".." || l.source_file.size() > 64)
            fail_at(src->source(), "`" + q + "source_file` = \"" + l.source_file +
                                       "\" must be a plain file name such as \"main.c\"");
        if (!t->get("run"))
            fail_at(line, "[languages." + id + "] has no `run` (e.g. run = [\"{exe}\"])");
        check_argv(l.compile, string_list(*t, "compile", q + "compile"), q + "compile");
        check_argv(l.run, string_list(*t, "run", q + "run"), q + "run");
        check_argv(l.version, string_list(*t, "version", q + "version"), q + "version");
        if (l.run.empty()) fail_at(t->get("run")->source(), "`" + q + "run` must not be empty");
        l.compile_time_limit_ms =
            static_cast<uint32_t>(integer(*t, "compile_time_limit_ms", q + "compile_time_limit_ms",
                                          l.compile_time_limit_ms, 100, 600000));
        l.processes = static_cast<uint32_t>(
            integer(*t, "processes", q + "processes", l.processes, 1, 4096));
        check_argv(l.toolchain, string_list(*t, "toolchain", q + "toolchain"), q + "toolchain");
        for (const auto &[path, pline] : string_list(*t, "binds", q + "binds")) {
            bool tc = path.rfind("{toolchain}/", 0) == 0 && !l.toolchain.empty();
            if (path.empty() || (path[0] != '/' && !tc) || path.find("..") != std::string::npos)
                fail_at(pline, "`" + q + "binds` entry \"" + path +
                                   "\" must be an absolute path without `..`" +
                                   (l.toolchain.empty() ? "" : " (or start with {toolchain}/)"));
            l.binds.push_back(path);
        }
        if (l.toolchain.empty()) {
            for (const auto *v : {&l.compile, &l.run, &l.version})
                for (const auto &arg : *v)
                    if (arg.find("{toolchain}") != std::string::npos)
                        fail_at(line, "[languages." + id + "] uses {toolchain} but has no "
                                      "`toolchain` command (e.g. toolchain = [\"rustc\", "
                                      "\"--print\", \"sysroot\"])");
        }
        for (const auto &[kv, eline] : string_list(*t, "env", q + "env")) {
            size_t eq = kv.find('=');
            if (eq == std::string::npos || eq == 0)
                fail_at(eline, "`" + q + "env` entry \"" + kv + "\" must look like NAME=value");
            l.env.push_back(kv);
        }
        langs.push_back(std::move(l));
    }
    /* toml++ tables are sorted by key; keep the operator's order instead. */
    std::stable_sort(langs.begin(), langs.end(),
                     [](const LangSpec &a, const LangSpec &b) { return a.line < b.line; });
}

void Loader::load_node(const toml::table &t, size_t index)
{
    uint32_t line = t.source().begin.line;
    std::string which = "[[node]] number " + std::to_string(index + 1);
    NodeSpec nd;
    nd.line = line;

    const auto *role = string_node(t, "role", "role");
    if (!role)
        fail_at(line, which + " has no `role`: add role = \"broker\", \"actors\", \"edge\" or "
                              "\"judge\"");
    auto r = std::find(k_role_names.begin(), k_role_names.end(), role->get());
    if (r == k_role_names.end())
        fail_at(role->source(), "`role` = \"" + role->get() +
                                    "\" is not a role: expected one of \"broker\", \"actors\", "
                                    "\"edge\", \"judge\"" +
                                    s_hint(role->get(), k_role_names, "\"", "\""));
    nd.role = static_cast<gv_role_t>(r - k_role_names.begin());
    nd.role_line = role->source().begin.line;
    const std::string &rname = k_role_names[nd.role];

    const auto *name = string_node(t, "name", "name");
    if (!name) fail_at(line, which + " (role = \"" + rname + "\") has no `name`");
    nd.name = name->get();
    nd.name_line = name->source().begin.line;
    const std::string &nm = nd.name;
    if (nm.size() > k_max_name_len ||
        nm.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
            std::string::npos ||
        !isalnum(static_cast<unsigned char>(nm[0])))
        fail_at(nd.name_line, "node name `" + nm +
                                  "` must be 1 to 63 letters, digits, '_' or '-', starting with "
                                  "a letter or digit (it names files and ZeroMQ identities)");

    /* Keys: a key of another role gets its own explanation, since it is usually a node
     * copied from another one. */
    std::vector<std::string> valid = k_node_common_keys;
    valid.insert(valid.end(), k_role_keys[nd.role].begin(), k_role_keys[nd.role].end());
    auto keys = s_keys_in_file_order(t);
    std::string where = "[[node]] `" + nm + "` (role = \"" + rname + "\")";
    for (const auto &[kline, key] : keys) {
        if (std::find(valid.begin(), valid.end(), key) != valid.end()) continue;
        for (size_t other = 0; other < k_role_keys.size(); other++) {
            const auto &ok = k_role_keys[other];
            if (std::find(ok.begin(), ok.end(), key) != ok.end())
                fail_at(kline, "key `" + key + "` belongs on " + k_role_names[other] +
                                   " nodes, not on " + where + s_hint(key, valid) + "; keys for " +
                                   rname + " nodes are " + s_join(valid, ", "));
        }
        std::string hint = s_hint(key, valid);
        if (hint.empty()) hint = "; keys for " + rname + " nodes are " + s_join(valid, ", ");
        fail_at(kline, "unknown key `" + key + "` in " + where + hint);
    }

    std::string q = "node." + nm + ".";
    const auto *host = string_node(t, "host", q + "host");
    nd.host = host ? host->get() : "127.0.0.1";
    if (nd.host.find_first_of(" \t/") != std::string::npos)
        fail_at(host->source(), "`" + q + "host` = \"" + nd.host + "\" is not a host name");

    auto endpoint = [&](const char *key, const char *def) {
        const auto *v = string_node(t, key, q + key);
        std::string ep = s_replace_all(v ? v->get() : std::string(def), "{data}", data_);
        check_endpoint(ep, v ? v->source().begin.line : line, q + key);
        return ep;
    };
    switch (nd.role) {
    case GV_ROLE_BROKER:
        nd.router = endpoint("router_endpoint", "ipc://{data}/run/broker.sock");
        nd.pub = endpoint("pub_endpoint", "ipc://{data}/run/events-in.sock");
        nd.sub = endpoint("sub_endpoint", "ipc://{data}/run/events-out.sock");
        if (nd.router == nd.pub || nd.router == nd.sub || nd.pub == nd.sub)
            fail_at(line, "the broker's router_endpoint, pub_endpoint and sub_endpoint must be "
                          "three different addresses");
        break;
    case GV_ROLE_ACTORS: {
        nd.actors = string_list(t, "actors", q + "actors");
        for (size_t i = 0; i < nd.actors.size(); i++) {
            const auto &[a, aline] = nd.actors[i];
            if (s_starts_with(a, "contest/")) {
                if (!s_canonical_id(a.c_str() + 8))
                    fail_at(aline, "`" + q + "actors` pins `" + a +
                                       "`, but a contest address is contest/<id> with a decimal "
                                       "id and no leading zeros");
            } else if (std::find(k_known_actors.begin(), k_known_actors.end(), a) ==
                       k_known_actors.end())
                fail_at(aline, "`" + q + "actors` names an unknown actor `" + a + "`" +
                                   s_hint(a, k_known_actors) + "; actors are " +
                                   s_join(k_known_actors, ", ") +
                                   ", or contest/<id> to pin one contest to this node");
            for (size_t j = 0; j < i; j++)
                if (nd.actors[j].first == a)
                    fail_at(aline, "`" + q + "actors` lists `" + a + "` twice");
        }
        nd.contests = boolean(t, "contests", q + "contests", true);
        nd.map_size_mb =
            integer(t, "map_size_mb", q + "map_size_mb", nd.map_size_mb, 1, 16ull << 20);
        if (nd.actors.empty() && !nd.contests)
            fail_at(line, "actors node `" + nm +
                              "` hosts nothing: give it `actors = [...]` or "
                              "`contests = true`");
        break;
    }
    case GV_ROLE_EDGE: {
        const auto *v = string_node(t, "listen", q + "listen");
        nd.listen = v ? v->get() : "127.0.0.1:8080";
        nd.listen_line = v ? v->source().begin.line : line;
        check_listen(nd.listen, nd.listen_line, q + "listen");
        nd.threads =
            static_cast<uint32_t>(integer(t, "threads", q + "threads", nd.threads, 1, 65536));
        edge_limits(t, q, nd);
        break;
    }
    case GV_ROLE_JUDGE: {
        nd.slots = static_cast<uint32_t>(integer(t, "slots", q + "slots", nd.slots, 1, 1024));
        if (const auto *v = string_node(t, "run_user", q + "run_user")) {
            nd.run_user = v->get();
            if (nd.run_user == "root" || nd.run_user == "0")
                fail_at(v->source(), "`" + q +
                                         "run_user` must not be root: submissions are "
                                         "untrusted code");
        }
        nd.insecure = boolean(t, "insecure", q + "insecure", false);
        nd.uid_base = static_cast<uint32_t>(
            integer(t, "uid_base", q + "uid_base", nd.uid_base, 1000, 4000000000u));
        nd.tmp_size_mb = static_cast<uint32_t>(
            integer(t, "tmp_size_mb", q + "tmp_size_mb", nd.tmp_size_mb, 1, 65536));
        nd.work_size_mb = static_cast<uint32_t>(
            integer(t, "work_size_mb", q + "work_size_mb", nd.work_size_mb, 1, 65536));
        nd.work_inodes = static_cast<uint32_t>(
            integer(t, "work_inodes", q + "work_inodes", nd.work_inodes, 64, 10000000));
        /* Run uids: 2 per slot (submissions, then checkers and interactors), found in
         * [uid_base, uid_base + uid_window) and reserved host-wide (judge-node/uidlock.h). */
        nd.uid_window = static_cast<uint32_t>(integer(t, "uid_window", q + "uid_window",
                                                      nd.uid_window, 2, GV_UID_WINDOW_MAX));
        if (const auto *v = t.get("uid_window"))
            nd.uid_window_line = v->source().begin.line;
        if (nd.uid_window < 2ull * nd.slots)
            fail_at(nd.uid_window_line ? nd.uid_window_line : line,
                    "`" + q + "uid_window` = " + std::to_string(nd.uid_window) +
                        " is too small for slots = " + std::to_string(nd.slots) +
                        ": each slot needs 2 run uids (its submissions', its checkers' and "
                        "interactors'), so give at least " + std::to_string(2ull * nd.slots));
        if (const auto *v = string_node(t, "uid_lock_dir", q + "uid_lock_dir")) {
            nd.uid_lock_dir = v->get();
            if (nd.uid_lock_dir.empty() || nd.uid_lock_dir[0] != '/' ||
                nd.uid_lock_dir.size() >= 4096)
                fail_at(v->source(), "`" + q +
                                         "uid_lock_dir` must be an absolute path (one directory "
                                         "every judge on the host shares)");
        }
        if (t.get("languages")) {
            auto ids = string_list(t, "languages", q + "languages");
            std::vector<std::string> known, chosen;
            for (const auto &l : langs)
                known.push_back(l.id);
            for (const auto &[id, lline] : ids) {
                if (std::find(known.begin(), known.end(), id) == known.end())
                    fail_at(lline, "`" + q + "languages` names `" + id + "`, which no [languages." +
                                       id + "] table defines" + s_hint(id, known));
                if (std::find(chosen.begin(), chosen.end(), id) != chosen.end())
                    fail_at(lline, "`" + q + "languages` lists `" + id + "` twice");
                chosen.push_back(id);
            }
            if (chosen.empty())
                fail_at(t.get("languages")->source(),
                        "`" + q + "languages` is empty: remove it to judge every language");
            nd.has_languages_only = true;
            nd.languages_only = s_join(chosen, ",");
        }
        break;
    }
    }
    nodes.push_back(std::move(nd));
}

void Loader::load_nodes()
{
    const toml::node *n = root_.get("node");
    if (!n)
        fail("no [[node]] tables: a cluster needs at least a broker, an actors node, an edge "
             "and a judge");
    const toml::array *a = n->as_array();
    if (!a || !a->is_array_of_tables())
        fail_at(n->source(), "`node` must be an array of tables: write each node as [[node]], "
                             "not [node]");
    for (size_t i = 0; i < a->size(); i++)
        load_node(*a->get(i)->as_table(), i);
}

/* The contest directory lives with "problems" unless cluster.toml places it. */
void Loader::place_directory()
{
    for (const auto &nd : nodes)
        for (const auto &a : nd.actors)
            if (a.first == "contests") return;
    for (auto &nd : nodes)
        for (const auto &a : nd.actors)
            if (a.first == "problems") {
                nd.actors.emplace_back("contests", 0);
                return;
            }
}

void Loader::check_cluster() const
{
    const NodeSpec *broker = nullptr;
    std::map<std::string, const NodeSpec *> by_name;
    std::map<std::string, std::pair<const NodeSpec *, uint32_t>> placed;
    for (const auto &nd : nodes) {
        if (nd.role == GV_ROLE_BROKER) {
            if (broker)
                fail_at(nd.role_line, "a second broker `" + nd.name + "` (the first is `" +
                                          broker->name + "`, line " +
                                          std::to_string(broker->role_line) +
                                          "): a cluster has exactly one broker");
            broker = &nd;
        }
        auto dup = by_name.find(nd.name);
        if (dup != by_name.end())
            fail_at(nd.name_line, "duplicate node name `" + nd.name + "` (also used at line " +
                                      std::to_string(dup->second->name_line) +
                                      "): node names must be unique");
        by_name[nd.name] = &nd;
        for (const auto &[a, aline] : nd.actors) {
            auto p = placed.find(a);
            if (p != placed.end())
                fail_at(aline, "actor `" + a + "` is placed on both `" + p->second.first->name +
                                   "` (line " + std::to_string(p->second.second) + ") and `" +
                                   nd.name + "`: every actor has exactly one home node");
            placed[a] = {&nd, aline};
        }
    }
    if (!broker)
        fail("no node has role = \"broker\": add a [[node]] with role = \"broker\" (a cluster "
             "has exactly one)");
    for (const auto &req : k_required_actors)
        if (!placed.count(req))
            fail("actor `" + req + "` is placed on no node: add \"" + req +
                 "\" to the `actors` list of an actors node");

    for (const auto &nd : nodes) {
        /* The broker routes "broker" and actor addresses before peer names. */
        if (nd.role != GV_ROLE_BROKER && nd.name == "broker")
            fail_at(nd.name_line, "only the broker node may be named `broker`");
        for (const auto &a : k_known_actors)
            if (nd.name == a)
                fail_at(nd.name_line, "node name `" + nd.name +
                                          "` is an actor address; pick another (e.g. `" + nd.name +
                                          "-1`)");
    }
    for (size_t i = 0; i < nodes.size(); i++)
        for (size_t j = 0; j < i; j++)
            if (nodes[i].role == GV_ROLE_EDGE && nodes[j].role == GV_ROLE_EDGE &&
                nodes[i].host == nodes[j].host && nodes[i].listen == nodes[j].listen)
                fail_at(nodes[i].listen_line, "edge `" + nodes[i].name + "` listens on " +
                                                  nodes[i].listen + ", as edge `" + nodes[j].name +
                                                  "` on the same host does");
    bool any_judge = std::any_of(nodes.begin(), nodes.end(),
                                 [](const NodeSpec &n) { return n.role == GV_ROLE_JUDGE; });
    if (any_judge && langs.empty())
        fail("there are judge nodes but no languages for them to judge: add a [languages.<id>] "
             "table");
}

void Loader::load()
{
    read_and_parse();
    check_keys(root_, k_top_keys, "the top level");
    load_globals();
    load_languages(); /* before nodes: judges refer to languages */
    load_nodes();
    check_cluster();
    place_directory();
}

/* ---- copying into C memory ------------------------------------------------------- */

char *s_cstr(const std::string &s)
{
    char *p = strdup(s.c_str());
    if (!p) throw std::bad_alloc();
    return p;
}

/* Stores the array in *out before filling it, counting in *n, so that gv_config_destroy frees
 * a partial copy after bad_alloc. */
void s_cvec(const std::vector<std::string> &v, char ***out, size_t *n)
{
    *out = nullptr;
    *n = 0;
    if (v.empty()) return;
    *out = static_cast<char **>(calloc(v.size(), sizeof(char *)));
    if (!*out) throw std::bad_alloc();
    for (const auto &s : v)
        (*out)[(*n)++] = s_cstr(s);
}

void s_free_vec(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Fills `c` (zeroed) from the loader; on bad_alloc the caller destroys the partial copy. */
void s_copy_out(const Loader &ld, gv_config_t *c)
{
    c->cluster_name = s_cstr(ld.cluster_name);
    c->heartbeat_interval_ms = ld.heartbeat_interval_ms;
    c->heartbeat_liveness = ld.heartbeat_liveness;
    c->max_message_bytes = ld.max_message_bytes;
    c->max_body_bytes = ld.max_body_bytes;
    c->max_source_bytes = ld.max_source_bytes;
    c->request_timeout_ms = ld.request_timeout_ms;
    c->token_ttl_s = ld.token_ttl_s;
    c->reoffer_interval_ms = ld.reoffer_interval_ms;
    c->judge_default_time_limit_ms = ld.judge_default_time_limit_ms;
    c->judge_output_limit_kb = ld.judge_output_limit_kb;
    c->judge_cache_mb = ld.judge_cache_mb;
    c->judge_compile_cache_mb = ld.judge_compile_cache_mb;
    c->judge_wall_time_percent = ld.judge_wall_time_percent;
    c->judge_wall_time_extra_ms = ld.judge_wall_time_extra_ms;
    c->contest_submissions_per_minute = ld.contest_submissions_per_minute;
    c->user_submissions_per_minute = ld.user_submissions_per_minute;
    c->max_queued_per_user = ld.max_queued_per_user;

    c->nodes = static_cast<gv_node_cfg_t *>(calloc(ld.nodes.size(), sizeof(gv_node_cfg_t)));
    if (!c->nodes) throw std::bad_alloc();
    for (const auto &nd : ld.nodes) {
        gv_node_cfg_t *o = &c->nodes[c->n_nodes++];
        o->role = nd.role;
        o->name = s_cstr(nd.name);
        o->host = s_cstr(nd.host);
        o->contests = nd.role == GV_ROLE_ACTORS && nd.contests;
        o->map_size_mb = nd.map_size_mb;
        o->threads = nd.threads;
        o->slots = nd.slots;
        if (nd.role == GV_ROLE_BROKER) {
            o->router_endpoint = s_cstr(nd.router);
            o->pub_endpoint = s_cstr(nd.pub);
            o->sub_endpoint = s_cstr(nd.sub);
        }
        if (nd.role == GV_ROLE_ACTORS) {
            std::vector<std::string> names;
            for (const auto &a : nd.actors)
                names.push_back(a.first);
            s_cvec(names, &o->actors, &o->n_actors);
        }
        if (nd.role == GV_ROLE_EDGE) o->listen = s_cstr(nd.listen);
        if (nd.role == GV_ROLE_JUDGE) {
            o->run_user = s_cstr(nd.run_user);
            if (nd.has_languages_only) o->languages_only = s_cstr(nd.languages_only);
            o->insecure = nd.insecure;
            o->uid_base = nd.uid_base;
            o->tmp_size_mb = nd.tmp_size_mb;
            o->work_size_mb = nd.work_size_mb;
            o->work_inodes = nd.work_inodes;
            o->uid_window = nd.uid_window;
            o->uid_lock_dir = s_cstr(nd.uid_lock_dir);
        }
        if (nd.role == GV_ROLE_EDGE) {
            o->max_streams = nd.max_streams;
            o->max_streams_per_address = nd.max_streams_per_address;
            o->max_connections_per_address = nd.max_conns_per_address;
            o->header_timeout_ms = nd.header_timeout_ms;
            s_cvec(nd.trusted, &o->trusted_addresses, &o->n_trusted_addresses);
        }
    }
    if (!ld.langs.empty()) {
        c->langs = static_cast<gv_lang_cfg_t *>(calloc(ld.langs.size(), sizeof(gv_lang_cfg_t)));
        if (!c->langs) throw std::bad_alloc();
    }
    for (const auto &l : ld.langs) {
        gv_lang_cfg_t *o = &c->langs[c->n_langs++];
        o->id = s_cstr(l.id);
        o->name = s_cstr(l.name);
        o->source_file = s_cstr(l.source_file);
        s_cvec(l.compile, &o->compile, &o->n_compile);
        s_cvec(l.run, &o->run, &o->n_run);
        s_cvec(l.version, &o->version, &o->n_version);
        o->compile_time_limit_ms = l.compile_time_limit_ms;
        o->processes = l.processes;
        s_cvec(l.binds, &o->binds, &o->n_binds);
        s_cvec(l.env, &o->env, &o->n_env);
        s_cvec(l.toolchain, &o->toolchain, &o->n_toolchain);
    }
}

void s_set_err(char *err, size_t errlen, const std::string &msg)
{
    if (err && errlen > 0) snprintf(err, errlen, "%s", msg.c_str());
}

/* FNV-1a, 64 bit: tiny, stable across versions and platforms — contest placement must never
 * change under an operator's feet. */
uint64_t s_fnv1a64(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) {
        h ^= static_cast<unsigned char>(*s);
        h *= 1099511628211ull;
    }
    return h;
}

} // namespace

extern "C" {

gv_config_t *gv_config_load(const char *path, const char *data_dir, char *err, size_t errlen)
{
    if (!path || !*path) {
        s_set_err(err, errlen, "no cluster map given: pass --config FILE");
        return nullptr;
    }
    if (!data_dir || !*data_dir) {
        s_set_err(err, errlen, "no data directory given: pass --data DIR");
        return nullptr;
    }
    gv_config_t *c = nullptr;
    try {
        std::string data = s_absolute_dir(data_dir);
        Loader ld(path, data);
        ld.load();
        c = static_cast<gv_config_t *>(calloc(1, sizeof *c));
        if (!c) throw std::bad_alloc();
        char *real = realpath(path, nullptr);
        c->path = real ? real : s_cstr(path);
        c->data_dir = s_cstr(data);
        s_copy_out(ld, c);
        return c;
    } catch (const config_error &e) {
        s_set_err(err, errlen, e.what());
    } catch (const std::bad_alloc &) {
        s_set_err(err, errlen, std::string(path) + ": out of memory while loading");
    } catch (const std::exception &e) {
        s_set_err(err, errlen, std::string(path) + ": " + e.what());
    } catch (...) {
        s_set_err(err, errlen, std::string(path) + ": unexpected error while loading");
    }
    gv_config_destroy(&c);
    return nullptr;
}

void gv_config_destroy(gv_config_t **self_p)
{
    if (!self_p || !*self_p) return;
    gv_config_t *c = *self_p;
    for (size_t i = 0; i < c->n_nodes; i++) {
        gv_node_cfg_t *n = &c->nodes[i];
        free(n->name);
        free(n->host);
        free(n->router_endpoint);
        free(n->pub_endpoint);
        free(n->sub_endpoint);
        s_free_vec(n->actors, n->n_actors);
        s_free_vec(n->trusted_addresses, n->n_trusted_addresses);
        free(n->listen);
        free(n->run_user);
        free(n->languages_only);
        free(n->uid_lock_dir);
    }
    free(c->nodes);
    for (size_t i = 0; i < c->n_langs; i++) {
        gv_lang_cfg_t *l = &c->langs[i];
        free(l->id);
        free(l->name);
        free(l->source_file);
        s_free_vec(l->compile, l->n_compile);
        s_free_vec(l->run, l->n_run);
        s_free_vec(l->version, l->n_version);
        s_free_vec(l->binds, l->n_binds);
        s_free_vec(l->env, l->n_env);
        s_free_vec(l->toolchain, l->n_toolchain);
    }
    free(c->langs);
    free(c->path);
    free(c->data_dir);
    free(c->cluster_name);
    free(c);
    *self_p = nullptr;
}

const gv_node_cfg_t *gv_config_node(const gv_config_t *c, const char *name)
{
    if (!c || !name) return nullptr;
    for (size_t i = 0; i < c->n_nodes; i++)
        if (strcmp(c->nodes[i].name, name) == 0) return &c->nodes[i];
    return nullptr;
}

const gv_node_cfg_t *gv_config_broker(const gv_config_t *c)
{
    if (!c) return nullptr;
    for (size_t i = 0; i < c->n_nodes; i++)
        if (c->nodes[i].role == GV_ROLE_BROKER) return &c->nodes[i];
    return nullptr;
}

const gv_lang_cfg_t *gv_config_lang(const gv_config_t *c, const char *id)
{
    if (!c || !id) return nullptr;
    for (size_t i = 0; i < c->n_langs; i++)
        if (strcmp(c->langs[i].id, id) == 0) return &c->langs[i];
    return nullptr;
}

/* Exact placements first (singletons and pinned contests), then the contest share:
 * index = FNV-1a-64(decimal id) mod (number of contests = true nodes, in file order). */
const char *gv_config_owner(const gv_config_t *c, const char *address)
{
    if (!c || !address) return nullptr;
    for (size_t i = 0; i < c->n_nodes; i++)
        for (size_t j = 0; j < c->nodes[i].n_actors; j++)
            if (strcmp(c->nodes[i].actors[j], address) == 0) return c->nodes[i].name;
    if (strncmp(address, "contest/", 8) != 0 || !s_canonical_id(address + 8)) return nullptr;
    size_t count = 0;
    for (size_t i = 0; i < c->n_nodes; i++)
        count += c->nodes[i].contests;
    if (count == 0) return nullptr;
    uint64_t pick = s_fnv1a64(address + 8) % count;
    for (size_t i = 0; i < c->n_nodes; i++)
        if (c->nodes[i].contests && pick-- == 0) return c->nodes[i].name;
    return nullptr;
}

const char *gv_role_name(gv_role_t r)
{
    switch (r) {
    case GV_ROLE_BROKER:
        return "broker";
    case GV_ROLE_ACTORS:
        return "actors";
    case GV_ROLE_EDGE:
        return "edge";
    case GV_ROLE_JUDGE:
        return "judge";
    }
    return "unknown";
}

} /* extern "C" */
