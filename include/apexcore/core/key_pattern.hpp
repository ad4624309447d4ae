#pragma once
/// @file key_pattern.hpp
/// A bounded pattern language for license key formats, matched in linear time.
///
/// std::regex backtracks: with `([A-Z0-9]+-?)+` a 27-byte near-miss took 4.6 s and doubled with
/// each byte. Here a pattern compiles to a Thompson NFA that is simulated breadth first (Pike
/// VM without captures), so matching a key costs at most key bytes x program size steps —
/// 256 x 4096 in the worst accepted case — whatever the pattern.
///
/// The language is the part of ECMAScript regular expressions a key format needs; the whole key
/// must match (no anchors needed):
///   literal characters (printable ASCII), `.` (any byte but a newline), escapes `\d \D \w \W
///   \s \S` and `\` before any punctuation, classes `[A-Z0-9_-]` and `[^...]` (with the same
///   escapes inside), groups `( )` and `(?: )`, alternation `|`, and quantifiers `? * +
///   {n} {n,} {n,m}` (n, m <= 100), optionally followed by `?` (laziness has no effect on a
///   whole-string match). `^` first and `$` last are accepted and ignored.
/// Limits: the pattern is at most 200 bytes, nests at most 16 groups, and compiles to at most
/// 4096 instructions (so `(a{100}){100}` is refused). Anything else is refused with a reason.

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace apexcore::core {

/// Why a pattern was refused: the byte offset and a sentence ("unbalanced ')'").
struct key_pattern_error {
    std::size_t offset = 0;
    std::string reason;
};

/// A compiled pattern. Copyable, immutable, thread-safe to match from several threads.
class key_pattern {
public:
    static constexpr std::size_t source_length_max = 200;
    static constexpr std::size_t program_size_max = 4096;
    static constexpr int depth_max = 16;
    static constexpr int repeat_max = 100;

    /// Compiles `source`; a key_pattern_error when it is outside the language or its limits.
    [[nodiscard]] static std::variant<key_pattern, key_pattern_error> compile(std::string_view source) {
        if (source.empty()) return key_pattern_error{0, "the pattern is empty"};
        if (source.size() > source_length_max) return key_pattern_error{source_length_max, "longer than 200 bytes"};
        parser p{source, 0, 0, {}};
        std::size_t begin = 0;
        std::size_t end = source.size();
        if (source.front() == '^') begin = 1;
        if (end > begin && source.back() == '$' && (end < 2 || source[end - 2] != '\\')) --end;
        p.text = source.substr(0, end);
        p.pos = begin;
        auto tree = p.alternation();
        if (!p.error.reason.empty()) return p.error;
        if (p.pos != p.text.size()) return key_pattern_error{p.pos, "unbalanced ')'"};
        key_pattern out;
        if (!out.emit(*tree)) return key_pattern_error{0, "the pattern is too large (more than 4096 steps)"};
        out.program_.push_back({op::match, {}, 0, 0});
        out.source_ = std::string(source);
        return out;
    }

    /// True when the whole `text` matches. O(text.size() x program size), no recursion.
    [[nodiscard]] bool matches(std::string_view text) const {
        const std::size_t n = program_.size();
        std::vector<std::uint32_t> current;
        std::vector<std::uint32_t> next;
        std::vector<std::uint32_t> mark(n, 0);
        std::vector<std::uint32_t> stack;
        std::uint32_t generation = 1;
        add(current, mark, generation, stack, 0);
        for (const char c : text) {
            ++generation;
            next.clear();
            for (const std::uint32_t pc : current) {
                const instruction& in = program_[pc];
                if (in.kind == op::set && in.bytes.test(static_cast<unsigned char>(c))) {
                    add(next, mark, generation, stack, pc + 1);
                }
            }
            current.swap(next);
            if (current.empty()) return false;
        }
        for (const std::uint32_t pc : current) {
            if (program_[pc].kind == op::match) return true;
        }
        return false;
    }

    /// The pattern's source text.
    [[nodiscard]] const std::string& source() const { return source_; }
    /// The compiled program's size (instructions), for tests and limits.
    [[nodiscard]] std::size_t program_size() const { return program_.size(); }

private:
    enum class op : std::uint8_t { set, split, jump, match };
    struct instruction {
        op kind;
        std::bitset<256> bytes;
        std::uint32_t x;  ///< split: first branch; jump: target
        std::uint32_t y;  ///< split: second branch
    };

    struct node {
        enum class type { set, concat, alternation, repeat } kind = type::concat;
        std::bitset<256> bytes;
        std::vector<std::unique_ptr<node>> children;
        int min = 1;
        int max = 1;  ///< -1: unbounded
    };

    struct parser {
        std::string_view text;
        std::size_t pos;
        int depth;
        key_pattern_error error;

        bool failed() const { return !error.reason.empty(); }
        void fail(std::string reason) {
            if (!failed()) error = {pos, std::move(reason)};
        }
        bool at(char c) const { return pos < text.size() && text[pos] == c; }

        std::unique_ptr<node> alternation() {
            auto first = concatenation();
            if (!at('|') || failed()) return first;
            auto alt = std::make_unique<node>();
            alt->kind = node::type::alternation;
            alt->children.push_back(std::move(first));
            while (at('|') && !failed()) {
                ++pos;
                alt->children.push_back(concatenation());
            }
            return alt;
        }

        std::unique_ptr<node> concatenation() {
            auto seq = std::make_unique<node>();
            seq->kind = node::type::concat;
            while (pos < text.size() && !at('|') && !at(')') && !failed()) {
                auto atom_node = atom();
                if (failed()) break;
                seq->children.push_back(quantified(std::move(atom_node)));
            }
            return seq;
        }

        std::unique_ptr<node> quantified(std::unique_ptr<node> inner) {
            int min = 1;
            int max = 1;
            if (at('?')) min = 0, max = 1, ++pos;
            else if (at('*')) min = 0, max = -1, ++pos;
            else if (at('+')) min = 1, max = -1, ++pos;
            else if (at('{')) {
                ++pos;
                if (!number(min)) return inner;
                max = min;
                if (at(',')) {
                    ++pos;
                    max = -1;
                    if (!at('}') && !number(max)) return inner;
                }
                if (!at('}')) {
                    fail("expected '}'");
                    return inner;
                }
                ++pos;
                if (max != -1 && max < min) {
                    fail("{n,m} with m < n");
                    return inner;
                }
            } else {
                return inner;
            }
            if (at('?')) ++pos;  // lazy: no effect on a whole-string match
            if (at('?') || at('*') || at('+') || at('{')) {
                fail("a quantifier cannot follow a quantifier");
                return inner;
            }
            auto rep = std::make_unique<node>();
            rep->kind = node::type::repeat;
            rep->min = min;
            rep->max = max;
            rep->children.push_back(std::move(inner));
            return rep;
        }

        bool number(int& out) {
            const std::size_t start = pos;
            out = 0;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
                out = out * 10 + (text[pos] - '0');
                ++pos;
            }
            if (pos == start) {
                fail("expected a number");
                return false;
            }
            if (out > repeat_max) {
                fail("a repeat count above 100");
                return false;
            }
            return true;
        }

        static std::bitset<256> shorthand(char c, bool& known) {
            std::bitset<256> s;
            known = true;
            const auto range = [&s](int a, int b) {
                for (int i = a; i <= b; ++i) s.set(static_cast<std::size_t>(i));
            };
            switch (c) {
                case 'd': case 'D': range('0', '9'); break;
                case 'w': case 'W': range('0', '9'); range('A', 'Z'); range('a', 'z'); s.set('_'); break;
                case 's': case 'S': for (char w : {' ', '\t', '\n', '\r', '\f', '\v'}) s.set(static_cast<unsigned char>(w)); break;
                default: known = false; return s;
            }
            if (c == 'D' || c == 'W' || c == 'S') s.flip();
            return s;
        }

        /// An escaped character's set (after the backslash); fails for letters it does not know.
        std::bitset<256> escape() {
            if (pos >= text.size()) {
                fail("a pattern cannot end with '\\'");
                return {};
            }
            const char c = text[pos++];
            bool known = false;
            auto s = shorthand(c, known);
            if (known) return s;
            const bool punctuation = (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
                                     (c >= 0x7B && c <= 0x7E);
            if (!punctuation) {
                --pos;
                fail("unsupported escape");
                return {};
            }
            s.set(static_cast<unsigned char>(c));
            return s;
        }

        std::unique_ptr<node> atom() {
            auto leaf = std::make_unique<node>();
            leaf->kind = node::type::set;
            const char c = text[pos];
            if (c == '(') {
                if (++depth > depth_max) {
                    fail("groups nested deeper than 16");
                    return leaf;
                }
                ++pos;
                if (text.substr(pos, 2) == "?:") pos += 2;
                else if (at('?')) {
                    fail("only (?: ) groups are supported");
                    return leaf;
                }
                auto inner = alternation();
                if (!at(')')) {
                    fail("unbalanced '('");
                    return leaf;
                }
                ++pos;
                --depth;
                return inner;
            }
            if (c == '[') return char_class();
            if (c == '.') {
                ++pos;
                leaf->bytes.set();
                leaf->bytes.reset('\n');
                return leaf;
            }
            if (c == '\\') {
                ++pos;
                leaf->bytes = escape();
                return leaf;
            }
            if (c == '*' || c == '+' || c == '?' || c == '{') {
                fail("a quantifier with nothing to repeat");
                return leaf;
            }
            if (c == ']' || c == '}' || c == '^' || c == '$') {
                fail(std::string("'") + c + "' must be escaped here");
                return leaf;
            }
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) {
                fail("only printable ASCII characters are supported");
                return leaf;
            }
            ++pos;
            leaf->bytes.set(static_cast<unsigned char>(c));
            return leaf;
        }

        /// The byte of a one-byte set (an escaped punctuation character), or -1: a range endpoint.
        static int single_byte(const std::bitset<256>& set) {
            if (set.count() != 1) return -1;
            for (int i = 0; i < 256; ++i) {
                if (set.test(static_cast<std::size_t>(i))) return i;
            }
            return -1;
        }

        std::unique_ptr<node> char_class() {
            auto leaf = std::make_unique<node>();
            leaf->kind = node::type::set;
            ++pos;  // '['
            bool negate = false;
            if (at('^')) negate = true, ++pos;
            bool first = true;
            while (pos < text.size() && (first || !at(']')) && !failed()) {
                first = false;
                std::bitset<256> item;
                int low = -1;
                if (at('\\')) {
                    ++pos;
                    item = escape();
                    low = single_byte(item);
                } else {
                    const auto b = static_cast<unsigned char>(text[pos++]);
                    if (b < 0x20 || b > 0x7E) {
                        fail("only printable ASCII characters are supported");
                        break;
                    }
                    low = b;
                    item.set(b);
                }
                if (low >= 0 && at('-') && pos + 1 < text.size() && text[pos + 1] != ']') {
                    ++pos;
                    int high = -1;
                    if (at('\\')) {
                        ++pos;
                        const auto e = escape();
                        high = single_byte(e);
                    } else {
                        high = static_cast<unsigned char>(text[pos++]);
                    }
                    if (high < low) {
                        fail("a range out of order");
                        break;
                    }
                    for (int i = low; i <= high; ++i) item.set(static_cast<std::size_t>(i));
                }
                leaf->bytes |= item;
            }
            if (!at(']')) {
                fail("unbalanced '['");
                return leaf;
            }
            ++pos;
            if (negate) leaf->bytes.flip();
            return leaf;
        }
    };

    std::uint32_t here() const { return static_cast<std::uint32_t>(program_.size()); }

    /// Emits code for `n`; false when the program would exceed program_size_max.
    bool emit(const node& n) {
        if (program_.size() > program_size_max) return false;
        switch (n.kind) {
            case node::type::set: program_.push_back({op::set, n.bytes, 0, 0}); return true;
            case node::type::concat:
                for (const auto& child : n.children) {
                    if (!emit(*child)) return false;
                }
                return true;
            case node::type::alternation: {
                std::vector<std::size_t> jumps;
                for (std::size_t i = 0; i < n.children.size(); ++i) {
                    const bool last = i + 1 == n.children.size();
                    std::size_t split = 0;
                    if (!last) {
                        split = program_.size();
                        program_.push_back({op::split, {}, here() + 1, 0});
                    }
                    if (!emit(*n.children[i])) return false;
                    if (!last) {
                        jumps.push_back(program_.size());
                        program_.push_back({op::jump, {}, 0, 0});
                        program_[split].y = here();
                    }
                }
                for (std::size_t j : jumps) program_[j].x = here();
                return program_.size() <= program_size_max;
            }
            case node::type::repeat: {
                const node& body = *n.children.front();
                for (int i = 0; i < n.min; ++i) {
                    if (!emit(body)) return false;
                }
                if (n.max == -1) {
                    const std::uint32_t loop = here();
                    program_.push_back({op::split, {}, loop + 1, 0});
                    if (!emit(body)) return false;
                    program_.push_back({op::jump, {}, loop, 0});
                    program_[loop].y = here();
                    return program_.size() <= program_size_max;
                }
                std::vector<std::size_t> splits;
                for (int i = n.min; i < n.max; ++i) {
                    splits.push_back(program_.size());
                    program_.push_back({op::split, {}, here() + 1, 0});
                    if (!emit(body)) return false;
                }
                for (std::size_t s : splits) program_[s].y = here();
                return program_.size() <= program_size_max;
            }
        }
        return false;
    }

    /// Adds the thread at `start` and everything it reaches through splits and jumps, once per
    /// generation (an explicit stack: no recursion, bounded by the program size).
    void add(std::vector<std::uint32_t>& list, std::vector<std::uint32_t>& mark, std::uint32_t generation,
             std::vector<std::uint32_t>& stack, std::uint32_t start) const {
        stack.clear();
        stack.push_back(start);
        while (!stack.empty()) {
            const std::uint32_t pc = stack.back();
            stack.pop_back();
            if (mark[pc] == generation) continue;
            mark[pc] = generation;
            const instruction& in = program_[pc];
            switch (in.kind) {
                case op::jump: stack.push_back(in.x); break;
                case op::split:
                    stack.push_back(in.y);
                    stack.push_back(in.x);
                    break;
                case op::set:
                case op::match: list.push_back(pc); break;
            }
        }
    }

    key_pattern() = default;
    std::vector<instruction> program_;
    std::string source_;
};

}  // namespace apexcore::core
