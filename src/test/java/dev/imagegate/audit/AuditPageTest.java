package dev.imagegate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The page's pure parts: which Accept headers get HTML, CSV cells, links, fix hints. */
class AuditPageTest {

  @Test
  void browsersGetHtmlAndEverythingElseJson() {
    assertThat(AuditRoute.prefersHtml("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")).as("Chrome").isTrue();
    assertThat(AuditRoute.prefersHtml("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8")).as("Firefox")
        .isTrue();
    assertThat(AuditRoute.prefersHtml(null)).as("no header").isFalse();
    assertThat(AuditRoute.prefersHtml("*/*")).as("curl").isFalse();
    assertThat(AuditRoute.prefersHtml("application/json")).isFalse();
    assertThat(AuditRoute.prefersHtml("application/json, text/html")).as("the first of equal quality").isFalse();
    assertThat(AuditRoute.prefersHtml("application/json;q=0.5, text/html")).as("by quality").isTrue();
    assertThat(AuditRoute.prefersHtml("text/html;q=0, */*")).as("q=0 refuses").isFalse();
    assertThat(AuditRoute.prefersHtml("text/plain")).as("nothing either serves: JSON as ever").isFalse();
  }

  @Test
  void csvCellsAreQuotedAndNeverReadAsFormulas() {
    assertThat(AuditCsv.cell("web")).isEqualTo("web");
    assertThat(AuditCsv.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(AuditCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(AuditCsv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(AuditCsv.cell("=1+1")).isEqualTo("'=1+1");
    assertThat(AuditCsv.cell("+1")).isEqualTo("'+1");
    assertThat(AuditCsv.cell("-1")).isEqualTo("'-1");
    assertThat(AuditCsv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(AuditCsv.cell("\t=1")).isEqualTo("'\t=1");
    assertThat(AuditCsv.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    assertThat(AuditCsv.cell(null)).isEmpty();
  }

  @Test
  void linksAreRelativeQueriesOfEncodedValues() {
    assertThat(AuditPage.Filter.href("shop", null)).isEqualTo("?namespace=shop");
    assertThat(AuditPage.Filter.href("shop", "run-as-non-root")).isEqualTo("?namespace=shop&rule=run-as-non-root");
    assertThat(AuditPage.Filter.href(null, "a b&c=\"<>")).isEqualTo("?rule=a+b%26c%3D%22%3C%3E");
    assertThat(AuditPage.Filter.href(null, null)).isEqualTo("?");
    assertThat(new AuditPage.Filter("shop", "").on("audit.csv")).isEqualTo("audit.csv?namespace=shop");
    assertThat(new AuditPage.Filter(null, null).on("audit.csv")).isEqualTo("audit.csv");
  }

  @Test
  void aRuleMessageSplitsIntoProblemAndFix() {
    assertThat(AuditPage.problemAndFix("image runs as root (no USER); add USER 1000 to the Dockerfile or set runAsUser: 1000"))
        .containsExactly("image runs as root (no USER)", "add USER 1000 to the Dockerfile or set runAsUser: 1000");
    assertThat(AuditPage.problemAndFix("manifest unknown")).containsExactly("manifest unknown", null);
  }
}
