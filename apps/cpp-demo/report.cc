// The inventory's operations and report (apps/cpp-demo).
#include <algorithm>
#include <cstdio>
#include <map>

#include "inventory.hh"

std::string money(long cents)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld.%02ld", cents / 100, cents % 100);
    return buf;
}

void Inventory::add(std::unique_ptr<Part> p)
{
    if (by_name_.count(p->name))
        throw DuplicatePart{p->name};
    by_name_[p->name] = parts_.size();
    parts_.push_back(std::move(p));
}

void Inventory::report() const
{
    std::vector<const Part *> sorted;
    for (const auto &p : parts_)
        sorted.push_back(p.get());
    std::stable_sort(sorted.begin(), sorted.end(), [](const Part *a, const Part *b) {
        return a->value() != b->value() ? a->value() > b->value() : a->name < b->name;
    });
    std::map<std::string, std::vector<const Part *>> by_kind;
    for (const Part *p : sorted) {
        std::printf("%-6s %-12s qty %5ld  value %10s  %6ld g\n", p->kind(), p->name.c_str(), p->qty,
                    money(p->value()).c_str(), p->weight_grams());
        by_kind[p->kind()].push_back(p);
    }
    for (const auto &[kind, list] : by_kind)
        std::printf("%s: %zu parts, value %s, %ld g\n", kind.c_str(), list.size(),
                    money(sum_of(list, [](const Part &p) { return p.value(); })).c_str(),
                    sum_of(list, [](const Part &p) { return p.weight_grams(); }));
    std::printf("total: %zu parts, value %s\n", parts_.size(),
                money(sum_of(parts_, [](const Part &p) { return p.value(); })).c_str());
}
