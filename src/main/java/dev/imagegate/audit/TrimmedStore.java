package dev.imagegate.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An informer's item store that keeps, per object, only its key ({@code namespace/name}) and
 * resourceVersion: what the informer needs to tell an update from a replay and to find deletions
 * after a re-list. Each new or changed object is handed to the {@link Sink} as it arrives, on the
 * informer's thread and before the informer counts as started, which keeps what it reads of it;
 * nothing holds the full object after that. Objects the store hands back are stubs carrying only
 * name, namespace and resourceVersion.
 */
final class TrimmedStore<T extends HasMetadata> implements ItemStore<T> {
  /** Where the objects go. */
  interface Sink<T> {
    /** A new object ({@code added}), or a new version of a known one. */
    void put(T object, boolean added);

    /** The object under this {@code namespace/name} key is gone. */
    void removed(String key);
  }

  private final Class<T> type;
  private final Sink<T> sink;
  private final Map<String, String> versions = new ConcurrentHashMap<>();

  TrimmedStore(Class<T> type, Sink<T> sink) {
    this.type = type;
    this.sink = sink;
  }

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public T put(String key, T object) {
    String version = object.getMetadata() == null || object.getMetadata().getResourceVersion() == null ? ""
        : object.getMetadata().getResourceVersion();
    String before = versions.put(key, version);
    if (!version.equals(before) || version.isEmpty()) { // a re-list replays what is known: not a change
      sink.put(object, before == null);
    }
    return stub(key, before);
  }

  @Override
  public T remove(String key) {
    String before = versions.remove(key);
    if (before != null) {
      sink.removed(key);
    }
    return stub(key, before);
  }

  @Override
  public Stream<String> keySet() {
    return versions.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return versions.entrySet().stream().map(e -> stub(e.getKey(), e.getValue()));
  }

  @Override
  public int size() {
    return versions.size();
  }

  @Override
  public T get(String key) {
    return stub(key, versions.get(key));
  }

  /** An object of the informer's type with only the metadata the informer compares; null for no version. */
  private T stub(String key, String version) {
    if (version == null) {
      return null;
    }
    int slash = key.indexOf('/');
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(slash < 0 ? null : key.substring(0, slash));
    meta.setName(slash < 0 ? key : key.substring(slash + 1));
    meta.setResourceVersion(version.isEmpty() ? null : version);
    try {
      T stub = type.getDeclaredConstructor().newInstance();
      stub.setMetadata(meta);
      return stub;
    } catch (InstantiationException | IllegalAccessException | NoSuchMethodException | InvocationTargetException e) {
      throw new IllegalStateException("cannot make a " + type.getSimpleName(), e);
    }
  }
}
