// Eight std::threads: AC in C++ too.
#include <cstdio>
#include <thread>
#include <vector>
int main()
{
    std::vector<long> part(8);
    std::vector<std::thread> t;
    try {
        for (int k = 0; k < 8; k++)
            t.emplace_back([&part, k] { for (long i = 0; i < 1000000; i++) part[k] += i % 7; });
    } catch (const std::exception &e) {
        std::printf("thread failed: %s\n", e.what());
        return 1;
    }
    long sum = 0;
    for (int k = 0; k < 8; k++) {
        t[k].join();
        sum += part[k];
    }
    std::puts(sum == 8 * 2999997L ? "ok" : "wrong sum");
}
