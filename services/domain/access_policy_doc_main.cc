// Prints what is rendered from the access policy (access_policy.h):
//   access_policy_doc                 tests/e2e/AUTHORIZATION_MATRIX.md
//   access_policy_doc <service.proto> that file with its "Roles:" lines
// Exits 1 if the file cannot be read or has an rpc without a row.
#include <fstream>
#include <iostream>
#include <sstream>

#include "services/domain/access_policy.h"

int main(int argc, char** argv) {
  if (argc == 1) {
    std::cout << atgard::domain::RenderAuthorizationMatrix();
    return 0;
  }
  if (argc != 2) {
    std::cerr << "usage: access_policy_doc [service.proto]\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    std::cerr << argv[1] << ": cannot be read\n";
    return 1;
  }
  absl::StatusOr<std::string> rendered =
      atgard::domain::RenderProtoRoles(text.str());
  if (!rendered.ok()) {
    std::cerr << argv[1] << ": " << rendered.status().message() << "\n";
    return 1;
  }
  std::cout << *rendered;
  return 0;
}
