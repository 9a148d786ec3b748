namespace LeakWatch.Service.Tests;

/// <summary>A fact that needs Linux (mkfifo, chattr...): reported as skipped elsewhere rather than passing without running.</summary>
/// <remarks>xunit 2.9 has no Assert.Skip (v3 has): the attribute's Skip is set when the test is discovered.</remarks>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute(string reason)
    {
        if (!OperatingSystem.IsLinux()) Skip = "Linux only: " + reason;
    }
}
