#!/usr/bin/env bash
# Prints a JAVA_HOME with Java 21 or newer (Helidon 4 needs it; the job itself targets Java 17).
# Order: $JAVA_HOME if new enough, then `java` on the PATH, then JDKs under /usr/lib/jvm and /opt.
set -u

major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

ok() { local v; v=$(major "$1" 2>/dev/null); [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null; }

if [ -n "${JAVA_HOME:-}" ] && ok "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
if command -v java >/dev/null 2>&1; then
  home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  if ok "$home"; then echo "$home"; exit 0; fi
fi
for dir in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
  [ -x "$dir/bin/javac" ] && ok "$dir" && { echo "$dir"; exit 0; }
done
echo "No JDK 21 or newer found. Install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21/25) and set JAVA_HOME." >&2
exit 1
