// The `waymark` command line (cli.md).
#include <iostream>

int main() {
  std::cout << "waymark\n";
  return 0;
}
