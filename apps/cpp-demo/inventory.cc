// A small C++ program of our own for the APP= path (docs/apps.md): an inventory of parts read from
// a text file (one "kind name qty price" per line), with standard containers, virtual calls through a
// class hierarchy, templates, and C++ exceptions thrown several frames below the code that catches them.
// usage: cpp-demo FILE...   exit status: the number of rejected lines (capped at 100)
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "inventory.hh"

namespace {

// Thrown by the parsing code three or four frames below the loop that catches it.
struct BadLine : std::runtime_error {
    int line;
    BadLine(int line, const std::string &what) : std::runtime_error(what), line(line) {}
};

long parse_number(const std::string &word, int line, const char *what)
{
    if (word.empty())
        throw BadLine(line, std::string("missing ") + what);
    size_t used = 0;
    long v = 0;
    try {
        v = std::stol(word, &used); // throws std::invalid_argument / std::out_of_range itself
    } catch (const std::logic_error &e) {
        throw BadLine(line, std::string("bad ") + what + " '" + word + "' (" + e.what() + ")");
    }
    if (used != word.size())
        throw BadLine(line, std::string("trailing characters in ") + what + " '" + word + "'");
    if (v < 0)
        throw BadLine(line, std::string("negative ") + what);
    return v;
}

std::unique_ptr<Part> make_part(const std::string &kind, const std::string &name, long qty, long cents, int line)
{
    if (kind == "bolt")
        return std::make_unique<Bolt>(name, qty, cents);
    if (kind == "cable")
        return std::make_unique<Cable>(name, qty, cents);
    if (kind == "board")
        return std::make_unique<Board>(name, qty, cents);
    throw BadLine(line, "unknown kind '" + kind + "'");
}

std::unique_ptr<Part> parse_line(const std::string &text, int line)
{
    std::istringstream in(text);
    std::string kind, name, qty, price;
    in >> kind >> name >> qty >> price;
    long q = parse_number(qty, line, "quantity");
    long c = parse_number(price, line, "price");
    return make_part(kind, name, q, c, line);
}

} // namespace

int main(int argc, char **argv)
{
    Inventory inv;
    int rejected = 0;
    for (int a = 1; a < argc; a++) {
        std::ifstream file(argv[a]);
        if (!file) {
            std::printf("%s: cannot open\n", argv[a]);
            return 100;
        }
        std::string text;
        int line = 0;
        while (std::getline(file, text)) {
            line++;
            if (text.empty() || text[0] == '#')
                continue;
            try {
                inv.add(parse_line(text, line));
            } catch (const BadLine &e) {
                std::printf("line %d rejected: %s\n", e.line, e.what());
                rejected++;
            } catch (const DuplicatePart &e) {
                std::printf("line %d rejected: duplicate part %s\n", line, e.name.c_str());
                rejected++;
            }
        }
    }
    inv.report();
    // Lookups that fail throw out of a template two frames down; std::map::at throws std::out_of_range.
    for (const char *name : {"M3x10", "nope", "hdmi-2m"}) {
        try {
            const Part &p = inv.find(name);
            std::printf("find %s: %s, value %s\n", name, p.kind(), money(p.value()).c_str());
        } catch (const std::out_of_range &e) {
            std::printf("find %s: not found\n", name);
        }
    }
    return std::min(rejected, 100);
}
