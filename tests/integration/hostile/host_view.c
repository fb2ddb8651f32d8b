/* What a C program can see of the host: /proc/self/cgroup shows only "/" (a cgroup namespace);
 * neither it nor /proc/self/mountinfo names the host's cgroup tree, gavel-<pid> cgroups,
 * /root/.cargo or anything under /usr/local; /usr/local and /root are empty; /proc/cmdline
 * (the host's boot line) reads empty; the run's own directory is not at its host path (under
 * the judge's data directory or /tmp/gavel-*) in getcwd or the environment, and / holds only the sandbox's
 * own entries; mountinfo names neither the data directory nor the work directory's host path
 * (the work directory is a tmpfs of its own, so /box's root there is "/"). Prints "ok", or the
 * first thing seen. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int bad;

static void seen(const char *what, const char *detail)
{
    if (!bad++)
        printf("%s: %s\n", what, detail);
}

static void scan(const char *path, int cgroup_file)
{
    static const char *const leaks[] = {"/sys/fs/cgroup", "/root/.cargo", "/usr/local/",
                                        "process_api", NULL};
    FILE *f = fopen(path, "r");
    char line[4096];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        for (int i = 0; leaks[i]; i++)
            if (strstr(line, leaks[i]))
                seen(path, line);
        if (strstr(line, GAVEL_DATA))
            seen(path, line);
        for (const char *g = strstr(line, "gavel-"); g; g = strstr(g + 1, "gavel-"))
            if (isdigit((unsigned char)g[6])) /* a judge's cgroup, gavel-<launcher pid> */
                seen(path, line);
        size_t n = strlen(line);
        if (cgroup_file && (n < 2 || strcmp(line + n - 2, ":/") != 0))
            seen(path, line);
    }
    if (!f)
        seen(path, "cannot be read");
    else
        fclose(f);
}

static void empty_dir(const char *path)
{
    DIR *d = opendir(path);
    for (struct dirent *de; d && (de = readdir(d));)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            seen(path, de->d_name);
    if (d)
        closedir(d);
}

static void only(const char *path, const char *const *allowed)
{
    DIR *d = opendir(path);
    for (struct dirent *de; d && (de = readdir(d));) {
        int ok = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
        for (int i = 0; allowed[i] && !ok; i++)
            ok = !strcmp(de->d_name, allowed[i]);
        if (!ok)
            seen(path, de->d_name);
    }
    if (d)
        closedir(d);
}

int main(void) {
    char cwd[4096] = "";
    /* The judge keeps work directories under its data directory, or under /tmp/gavel-<judge>-
     * work-XXXXXX when the run user cannot reach that. */
    if (!getcwd(cwd, sizeof cwd) || strstr(cwd, GAVEL_DATA) || strstr(cwd, "gavel"))
        seen("getcwd", cwd);
    FILE *e = fopen("/proc/self/environ", "r");
    char env[8192];
    size_t n = e ? fread(env, 1, sizeof env - 1, e) : 0;
    for (size_t i = 0; i < n; i += strlen(env + i) + 1)
        if (env[n] = '\0', strstr(env + i, GAVEL_DATA) || strstr(env + i, "gavel"))
            seen("environ", env + i);
    if (e)
        fclose(e);
    static const char *const top[] = {"bin", "box", "dev", "etc", "lib", "lib32", "lib64",
                                      "libx32", "proc", "root", "sbin", "tmp", "usr", NULL};
    only("/", top);
    scan("/proc/self/cgroup", 1);
    scan("/proc/self/mountinfo", 0);
    empty_dir("/usr/local");
    empty_dir("/root");
    FILE *f = fopen("/proc/cmdline", "r");
    char buf[64];
    if (f && fread(buf, 1, sizeof buf, f) > 0)
        seen("/proc/cmdline", "readable");
    if (f)
        fclose(f);
    if (!bad)
        puts("ok");
    return 0;
}
