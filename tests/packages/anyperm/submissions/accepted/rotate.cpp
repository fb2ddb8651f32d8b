#include <iostream>
int main() {
    int n;
    std::cin >> n;
    for (int i = 0; i < n; i++) std::cout << (i + 1) % n + 1 << (i + 1 == n ? '\n' : ' ');
}
