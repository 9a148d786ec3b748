using System.Diagnostics;
using System.Text.Json;

namespace LeakWatch.Service.Tests.Operations;

/// <summary>The shipped configuration and the deploy files, as they are in the repository.</summary>
public sealed class DeployFilesTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("leakwatch-deploy-").FullName;

    private static string Repository
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "LeakWatch.sln"))) folder = folder.Parent;
            return folder?.FullName ?? throw new InvalidOperationException("LeakWatch.sln not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public void AppSettings_Shipped_HasNoSourceToMergeWithTheUsers()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository, "appsettings.json")));

        Assert.False(json.RootElement.GetProperty("LeakWatch").TryGetProperty("Sources", out _));
        Assert.Equal("Warning", json.RootElement.GetProperty("Logging").GetProperty("LogLevel").GetProperty("Polly").GetString());
        Assert.Equal("Warning", json.RootElement.GetProperty("Logging").GetProperty("LogLevel").GetProperty("Quartz").GetString());
    }

    [Fact]
    public void SystemdUnit_Hardening_IsAllThere()
    {
        var unit = File.ReadAllLines(Path.Combine(Repository, "deploy", "leakwatch.service")).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

        foreach (var line in new[]
        {
            "Type=notify", "User=leakwatch", "ProtectSystem=strict", "ReadWritePaths=/var/lib/leakwatch", "NoNewPrivileges=yes",
            "PrivateTmp=yes", "CapabilityBoundingSet=", "LoadCredential=leakwatch.key:/etc/leakwatch/leakwatch.key",
            "Environment=LeakWatch__KeyFile=%d/leakwatch.key",
        })
        {
            Assert.Contains(line, unit);
        }
    }

    /// <summary>
    /// Conditional on a developer's machine: runs where <c>systemd-analyze</c> exists. Under CI (which installs it) a
    /// missing tool fails the test instead of passing it unchecked. ExecStart is pointed at a program that exists here, the rest is verified as shipped.
    /// </summary>
    [Fact]
    public async Task SystemdUnit_WhereSystemdAnalyzeExists_Verifies()
    {
        var tool = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        if (tool is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, "systemd-analyze is missing under CI: .ci/run installs the systemd package");
            return;
        }
        var unit = Path.Combine(_temp, "leakwatch.service");
        await File.WriteAllTextAsync(unit, (await File.ReadAllTextAsync(Path.Combine(Repository, "deploy", "leakwatch.service")))
            .Replace("/opt/leakwatch/leakwatch", "/bin/true", StringComparison.Ordinal));
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("verify");
        start.ArgumentList.Add(unit);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await output + await error);
        Assert.DoesNotContain("leakwatch.service:", await error, StringComparison.Ordinal); // no warning about our unit either
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);
}
