package dev.imagegate.image.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A RUN step's text split into its commands, as far as package managers and rm need. */
class ShellCommandsTest {

  private static List<List<String>> split(String text) {
    return ShellCommands.split(text).stream().map(Command::words).toList();
  }

  @Test
  void separatorsEndCommands() {
    assertThat(split("apt-get update && apt-get install -y curl || true; rm -rf /x | tee y & wait"))
        .containsExactly(List.of("apt-get", "update"), List.of("apt-get", "install", "-y", "curl"), List.of("true"),
            List.of("rm", "-rf", "/x"), List.of("tee", "y"), List.of("wait"));
  }

  @Test
  void backslashNewlineContinuesTheCommand() {
    assertThat(split("apt-get install -y \\\n    curl \\\r\n    git\napt-get clean"))
        .containsExactly(List.of("apt-get", "install", "-y", "curl", "git"), List.of("apt-get", "clean"));
  }

  @Test
  void quotesGroupWordsAndSeparatorsInsideThemDoNotSplit() {
    assertThat(split("echo 'a && b' \"c; d\" e\\ f; sh -c \"apt-get update && x\""))
        .containsExactly(List.of("echo", "a && b", "c; d", "e f"), List.of("sh", "-c", "apt-get update && x"));
  }

  @Test
  void substitutionsStayInTheirWord() {
    assertThat(split("dpkgArch=\"$(dpkg --print-architecture | awk -F- '{ print $NF }')\"; echo ${A:-x;y} $(a && b) `c; d`"))
        .containsExactly(List.of("echo", "${A:-x;y}", "$(a && b)", "`c; d`"));
  }

  @Test
  void leadingAssignmentsAndShellKeywordsAreNotTheCommand() {
    assertThat(split("DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata; if [ -n \"$x\" ]; then apt-get purge -y x; fi"))
        .containsExactly(List.of("apt-get", "install", "-y", "tzdata"), List.of("[", "-n", "$x", "]"), List.of("apt-get", "purge", "-y", "x"),
            List.of("fi"));
  }

  @Test
  void groupsAndSubshellsSplit() {
    assertThat(split("( cd /tmp && make ) && { [ -z \"$m\" ] || apt-mark manual $m; }"))
        .containsExactly(List.of("cd", "/tmp"), List.of("make"), List.of("[", "-z", "$m", "]"), List.of("apt-mark", "manual", "$m"));
  }

  @Test
  void redirectionsAreNoArguments() {
    assertThat(split("apt-mark auto '.*' > /dev/null; make 2>&1 >>log; echo >&2 oops; cmd &>/dev/null"))
        .containsExactly(List.of("apt-mark", "auto", ".*"), List.of("make"), List.of("echo", "oops"), List.of("cmd"));
  }

  @Test
  void sudoAndEnvAreLookedThroughWhenUnwrapped() {
    Command command = ShellCommands.split("sudo -E env DEBIAN_FRONTEND=noninteractive apt-get install -y x").get(0);
    assertThat(command.name()).isEqualTo("sudo");
    assertThat(command.unwrapped().words()).containsExactly("apt-get", "install", "-y", "x");
    assertThat(ShellCommands.split("/usr/bin/apt-get update").get(0).name()).isEqualTo("apt-get");
  }

  @Test
  void unbalancedQuotesDoNotFail() {
    assertThat(split("echo 'unterminated && x")).containsExactly(List.of("echo", "unterminated && x"));
    assertThat(split("echo $(unterminated")).containsExactly(List.of("echo", "$(unterminated"));
  }
}
