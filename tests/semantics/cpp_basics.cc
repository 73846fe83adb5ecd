// C++ without exceptions crossing the interpreter: static constructors and destructors
// (`llvm.global_ctors`, `__cxa_atexit` with `__dso_handle`), virtual calls, RTTI (`typeid`,
// `dynamic_cast`), templates and standard containers. Functions with `invoke` (every function
// with a cleanup, e.g. std::string's) are compiled by the JIT on their first call, destructors
// run at exit included.
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <typeinfo>
#include <vector>
struct Shape { virtual ~Shape() {} virtual int area() const = 0; };
struct Sq : Shape { int s; explicit Sq(int s) : s(s) {} int area() const override { return s * s; } };
struct Rect : Shape { int w, h; Rect(int w, int h) : w(w), h(h) {} int area() const override { return w * h; } };
template <typename T> static T total(const std::vector<T> &v) { T t{}; for (const T &x : v) t += x; return t; }
struct Global { std::string name; Global() : name("global") { std::printf("ctor %s\n", name.c_str()); } ~Global() { std::printf("dtor %s\n", name.c_str()); } } g;
int main() {
  std::vector<std::unique_ptr<Shape>> shapes;
  for (int i = 1; i <= 6; i++) { if (i % 2) shapes.push_back(std::make_unique<Sq>(i)); else shapes.push_back(std::make_unique<Rect>(i, i + 1)); }
  std::map<std::string, int> by_type; std::vector<int> areas;
  for (auto &s : shapes) { const Shape &ref = *s;
    by_type[typeid(ref).name()] += s->area(); areas.push_back(s->area()); }
  for (auto &kv : by_type) std::printf("%s: %d\n", kv.first.c_str(), kv.second);
  std::printf("total %d, dynamic_cast %d\n", total(areas), dynamic_cast<Sq *>(shapes[0].get()) != nullptr);
}
