using System.Text.Json;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;

namespace LeakWatch.Service.Tests.Operations;

/// <summary>Logs on standard error as JSON lines when Logging:Console:FormatterName=json, from the built executable.</summary>
public sealed class JsonLogsTests : IDisposable
{
    private readonly ExecutableHarness _folder = new();

    [Fact]
    public async Task Executable_JsonFormatter_WritesOneJsonObjectPerLogLine()
    {
        var export = ExportFiles.Write(_folder.Root, count: 5, seed: 3);

        var result = await _folder.RunAsync("enroll", export, "--Logging:Console:FormatterName=json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("LogLevel", out _), line);
            Assert.EndsWith("Z", json.RootElement.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
        }
        Assert.Contains(lines, l => l.Contains("\"Category\":\"LeakWatch.Service.Enrollment.Enroller\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Executable_DefaultFormatter_WritesPlainLines()
    {
        var export = ExportFiles.Write(_folder.Root, count: 5, seed: 3);

        var result = await _folder.RunAsync("enroll", export);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("info: LeakWatch.Service.Enrollment.Enroller", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("{\"Timestamp\"", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
