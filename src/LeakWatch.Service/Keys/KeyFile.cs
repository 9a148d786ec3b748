using System.Globalization;
using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;
using System.Text;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.CommandLine;

namespace LeakWatch.Service.Keys;

/// <summary>
/// The key file: base64 text of the 32 key bytes, readable by its owner only. Created with those permissions from
/// the first byte (never written then restricted), and refused when it is found open to others.
/// </summary>
internal static class KeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OpenToOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Writes a new key file; refuses to replace one (a lost key makes every fingerprint useless).</summary>
    public static void Create(string path, SecretKey key)
    {
        if (File.Exists(path))
        {
            throw new LeakWatchException($"A key file already exists at {path}; it is not replaced. Fingerprints made with it would be lost. Delete it yourself if you really mean to start over.");
        }
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var text = Encoding.ASCII.GetBytes(key.ToBase64() + "\n");
        try
        {
            using var stream = OperatingSystem.IsWindows() ? CreateWindows(path) : CreateUnix(path);
            stream.Write(text);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new LeakWatchException($"A key file already exists at {path}; it is not replaced.");
        }
        finally
        {
            Array.Clear(text);
        }
    }

    /// <summary>Reads the key file, or null when there is none. Refuses a file others can read.</summary>
    public static SecretKey? Read(string path)
    {
        // A link whose target is gone is not "no key": a new key written there would make the database useless.
        var link = new FileInfo(path);
        if (link.LinkTarget is { } target && link.ResolveLinkTarget(returnFinalTarget: true) is not { Exists: true })
        {
            throw new LeakWatchException(
                $"The key file {path} is a link to {target}, which does not exist (a disk not mounted, a file moved?). Restore the key it points to, or set LeakWatch:KeyFile to where the key is.",
                ExitCodes.BadConfiguration);
        }
        if (!File.Exists(path)) return null;
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & OpenToOthers) != 0)
            {
                var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');
                throw new LeakWatchException($"The key file {path} is open to other users (mode {octal}); it is not used. Restrict it: chmod 600 '{path}'.");
            }
        }

        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.ASCII);
        }
        catch (UnauthorizedAccessException)
        {
            throw new LeakWatchException($"The key file {path} cannot be read by this account.");
        }
        if (!SecretKey.TryParse(text, out var key))
        {
            // Never echo the content: it may be a key with a typo.
            throw new LeakWatchException($"The key file {path} does not hold a LeakWatch key (base64 of {SecretKey.Size.ToString(CultureInfo.InvariantCulture)} bytes).");
        }
        return key;
    }

    [UnsupportedOSPlatform("windows")]
    private static FileStream CreateUnix(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        UnixCreateMode = OwnerOnly,
    });

    [SupportedOSPlatform("windows")]
    private static FileStream CreateWindows(string path)
    {
        // Only the current account, and nothing inherited from the folder.
        var security = new FileSecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        var user = WindowsIdentity.GetCurrent().User ?? throw new LeakWatchException("Cannot tell which Windows account runs LeakWatch; the key file was not written.");
        security.SetOwner(user);
        security.AddAccessRule(new FileSystemAccessRule(user, FileSystemRights.FullControl, AccessControlType.Allow));
        return new FileInfo(path).Create(FileMode.CreateNew, FileSystemRights.Write | FileSystemRights.ReadData, FileShare.None, 4096, FileOptions.None, security);
    }
}
