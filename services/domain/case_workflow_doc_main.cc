// Prints the case workflow document (CASE_WORKFLOW.md) to stdout.
#include <iostream>

#include "services/domain/case_workflow.h"

int main() {
  std::cout << atgard::domain::RenderCaseWorkflowDocument();
  return 0;
}
