// Prints the settings table of README.md (between its "settings" markers)
// from the server's settings table.
#include <iostream>

#include "services/server/settings.h"

int main() {
  std::cout << atgard::server::SettingsMarkdown();
  return 0;
}
