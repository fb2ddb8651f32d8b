/* What a C program can see of the host: /proc/self/cgroup shows only "/" (a cgroup namespace);
 * neither it nor /proc/self/mountinfo names the host's cgroup tree, gavel-<pid> cgroups,
 * /root/.cargo or anything under /usr/local; /usr/local and /root are empty; /proc/cmdline
 * (the host's boot line) reads empty. Prints "ok", or the first thing seen. (The work
 * directory's own host path still shows in getcwd and mountinfo: see README, Judging.) */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

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

int main(void) {
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
