package dev.imagegate.rules.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.image.ImageFacts;
import dev.imagegate.rules.ImageConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the CLI's disk cache keeps of an image: stand-ins of the same kind, never a value. */
class StandInsTest {
  @Test
  void everyFormatsStandInIsFoundAsThatFormatAndNoEarlierOne() {
    for (SecretPattern pattern : SecretPattern.WELL_KNOWN) {
      assertThat(SecretPattern.firstIn(pattern.standIn())).as(pattern.id()).contains(pattern);
      assertThat(pattern.maskIn("x " + pattern.standIn() + " y")).as(pattern.id()).isEqualTo("x " + pattern.standIn() + " y");
    }
  }

  @Test
  void noValueOfTheLeakyImageIsKeptAndEachValueKeepsItsKind() {
    ImageFacts leaky = ImageConfigs.load(ImageConfigs.LEAKY_APP);

    ImageFacts sealed = StandIns.of(leaky).orElseThrow();

    String kept = String.join("\n", sealed.env()) + "\n" + String.join("\n", sealed.history());
    for (String value : List.of("AKIAIOSFODNN7EXAMPLE", "Zq8wL2vR9tYx4Kp", "Vq7mK2pX9wLr", "npm_KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR",
        "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d", "sntrys_Hq3Nd8Wm5Tz1Kb6", "Rj4Xv9Lp2Qs7Mn5", "22.12.0", "2.4.1", "bert-base-uncased",
        "/usr/local/sbin", "/run/secrets/db-password", "examplePublicKey", "production")) {
      assertThat(kept).as(value).doesNotContain(value);
    }
    assertThat(sealed.env()).startsWith("PATH=0", "NODE_VERSION=withheld", "APP_VERSION=withheld", "AWS_ACCESS_KEY_ID=AKIAWITHHELDBYIMAGEG",
        "DB_PASSWORD=withheld", "DATABASE_URL=x://u:withheld@h", "POSTGRES_PASSWORD_FILE=0");
    assertThat(sealed.env()).endsWith("OLD_API_KEY=");
    assertThat(sealed.history()).contains(
        "/bin/sh -c #(nop)  ARG NPM_TOKEN",
        "|2 NPM_TOKEN=npm_withheldwithheldwithheldwithheldwith BUILD_ENV=withheld /bin/sh -c npm ci --omit=dev",
        "ARG SENTRY_AUTH_TOKEN=withheld",
        "COPY . /app # buildkit");
    assertThat(sealed.history()).hasSameSizeAs(leaky.history());
    SecretDetector detector = new SecretDetector(List.of());
    assertThat(sealed.env().stream().map(e -> detector.detect(EnvEntry.parse(e, Place.IMAGE_ENV))).toList())
        .isEqualTo(leaky.env().stream().map(e -> detector.detect(EnvEntry.parse(e, Place.IMAGE_ENV))).toList());
  }

  @Test
  void aCredentialInACommandIsMaskedWhereItStandsAUrlKeepsItsSchemeAndHostAndAPrivateKeyIsCutOff() {
    ImageFacts facts = new ImageFacts("linux/amd64", "sha256:" + "3".repeat(64), "app", List.of("CMD-SHELL", "curl -fsS https://ops:Pa55w0rdX@localhost/health"),
        List.of(), List.of("RUN /bin/sh -c git clone https://ci:Xk82mPq7Lz@git.example.com/lib.git # buildkit",
            "RUN /bin/sh -c curl -H 'Authorization: token ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d' https://api.github.com # buildkit",
            "RUN /bin/sh -c printf '-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA7bq' > /root/.ssh/id_rsa # buildkit"));

    ImageFacts sealed = StandIns.of(facts).orElseThrow();

    assertThat(sealed.healthcheckTest()).containsExactly("CMD-SHELL", "curl -fsS https://ops:withheld@localhost/health");
    assertThat(sealed.history()).containsExactly("RUN /bin/sh -c git clone https://ci:withheld@git.example.com/lib.git # buildkit",
        "RUN /bin/sh -c curl -H 'Authorization: token ghp_withheldwithheldwithheldwithheldwith' https://api.github.com # buildkit",
        "RUN /bin/sh -c printf '-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void aNameThatHoldsACredentialHasNoStandIn() {
    ImageFacts facts = ImageConfigs.withEnv("ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d=1");

    assertThat(StandIns.of(facts)).isEmpty();
  }
}
