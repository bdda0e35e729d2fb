package dev.imagegate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.RuleSettings;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The shape every rule shares, so adding one stays adding one class and its constructor in {@link Rules}. */
class RuleBeansTest {
  static final List<Class<? extends Rule>> rules =
      List.of(RunAsNonRootRule.class, RequireHealthcheckRule.class, DisallowLatestTagRule.class, NoSecretsInEnvRule.class,
          NoSudoRule.class, NoSshPortRule.class, NoRemoteAddRule.class, NoBuildToolsRule.class, AptListsCleanedRule.class,
          ImageSizeRule.class, PythonUnbufferedRule.class);

  @ParameterizedTest
  @FieldSource("rules")
  void isListedInRulesAndBuiltFromTheConfiguration(Class<? extends Rule> type) throws Exception {
    Constructor<? extends Rule> fromConfig = type.getConstructor(ImagegateConfig.class);
    assertThat(Rules.of(ImagegateConfig.defaults())).as("listed in Rules").hasAtLeastOneElementOfType(type);

    Rule rule = fromConfig.newInstance(ImagegateConfig.defaults());
    String id = (String) type.getField("ID").get(null);
    assertThat(Modifier.isFinal(type.getField("ID").getModifiers())).isTrue();
    assertThat(rule.id()).isEqualTo(id).matches("[a-z]+(-[a-z]+)*");
  }

  /** The rules of the first release judge by default; every rule added since is off until configured, so an upgrade changes nothing. */
  static final List<Class<? extends Rule>> onByDefault =
      List.of(RunAsNonRootRule.class, RequireHealthcheckRule.class, DisallowLatestTagRule.class, NoSecretsInEnvRule.class);

  @ParameterizedTest
  @FieldSource("rules")
  void onlyTheFirstRulesJudgeByDefault(Class<? extends Rule> type) throws Exception {
    Rule rule = type.getConstructor(ImagegateConfig.class).newInstance(ImagegateConfig.defaults());
    assertThat(rule.onByDefault()).isEqualTo(onByDefault.contains(type));
  }

  @ParameterizedTest
  @FieldSource("rules")
  void hasItsPlaceInTheFixedRuleOrder(Class<? extends Rule> type) throws Exception {
    assertThat(RuleOrder.IDS).contains((String) type.getField("ID").get(null));
  }

  @ParameterizedTest
  @FieldSource("rules")
  void emptyOptionsBlockGivesTheDefaults(Class<? extends Rule> type) throws Exception {
    Class<?> options = Arrays.stream(type.getClasses()).filter(c -> c.getSimpleName().equals("Options")).findFirst().orElseThrow();
    assertThat(options.isRecord()).isTrue();
    RecordComponent[] components = options.getRecordComponents();
    assertThat(components).allSatisfy(c -> assertThat(c.getType().isPrimitive()).isFalse());

    Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Object allNulls = options.getConstructor(types).newInstance(new Object[components.length]);
    assertThat(RuleSettings.DEFAULT.options(options)).isEqualTo(allNulls);
    assertThat(components).allSatisfy(c -> assertThat(c.getAccessor().invoke(allNulls)).isNotNull());
    type.getConstructor(options).newInstance(allNulls);
  }
}
