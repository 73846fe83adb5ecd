// The parts and the inventory of apps/cpp-demo.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

std::string money(long cents);

struct Part {
    std::string name;
    long qty, cents;
    Part(std::string name, long qty, long cents) : name(std::move(name)), qty(qty), cents(cents) {}
    virtual ~Part() = default;
    virtual const char *kind() const = 0;
    // What the stock is worth: each kind prices differently (virtual).
    virtual long value() const { return qty * cents; }
    virtual long weight_grams() const = 0;
};

struct Bolt : Part {
    using Part::Part;
    const char *kind() const override { return "bolt"; }
    long value() const override { return qty >= 100 ? qty * cents * 9 / 10 : Part::value(); } // bulk price
    long weight_grams() const override { return qty * 3; }
};

struct Cable : Part {
    using Part::Part;
    const char *kind() const override { return "cable"; }
    long weight_grams() const override { return qty * 45; }
};

struct Board : Part {
    using Part::Part;
    const char *kind() const override { return "board"; }
    long value() const override { return Part::value() + 250 * qty; } // testing fee per board
    long weight_grams() const override { return qty * 120; }
};

struct DuplicatePart {
    std::string name;
};

// A sum of one measure over any range of parts (template over the measure).
template <typename Range, typename Measure> long sum_of(const Range &parts, Measure m)
{
    long total = 0;
    for (const auto &p : parts)
        total += m(*p);
    return total;
}

class Inventory {
    std::vector<std::unique_ptr<Part>> parts_;
    std::map<std::string, size_t> by_name_;

  public:
    void add(std::unique_ptr<Part> p);
    const Part &find(const std::string &name) const { return *parts_[by_name_.at(name)]; }
    void report() const;
};
