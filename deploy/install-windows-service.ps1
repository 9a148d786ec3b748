<#
.SYNOPSIS
    Installs LeakWatch as a Windows service running under its own virtual account (NT SERVICE\LeakWatch).

.DESCRIPTION
    Copies a published build to -InstallDir, creates the data and key folders readable only by SYSTEM, the
    Administrators and the service account, registers the service (sc.exe) with its settings on its command line,
    and restarts it on failure. On its first start the service generates the secret key in -KeyFile (an ACL for the
    service account only) and logs where; back that file up apart from the data folder.

.EXAMPLE
    dotnet publish src\LeakWatch.Service -c Release -r win-x64 --self-contained false -o out\win
    .\deploy\install-windows-service.ps1 -Source out\win
#>
#Requires -RunAsAdministrator
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string] $Source,
    [string] $InstallDir = "$env:ProgramFiles\LeakWatch",
    [string] $DataDirectory = "$env:ProgramData\LeakWatch\data",
    [string] $KeyFile = "$env:ProgramData\LeakWatch-Key\leakwatch.key",
    [string] $ServiceName = 'LeakWatch'
)
$ErrorActionPreference = 'Stop'

$exe = Join-Path $InstallDir 'leakwatch.exe'
$account = "NT SERVICE\$ServiceName"
$keyFolder = Split-Path -Parent $KeyFile

if (Get-Service -Name $ServiceName -ErrorAction SilentlyContinue) {
    Stop-Service -Name $ServiceName -ErrorAction SilentlyContinue
} 

New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
Copy-Item -Path (Join-Path $Source '*') -Destination $InstallDir -Recurse -Force

if (-not (Get-Service -Name $ServiceName -ErrorAction SilentlyContinue)) {
    # Settings go on the service's command line: the working directory of a service is System32.
    $binPath = "`"$exe`" run --LeakWatch:DataDirectory=`"$DataDirectory`" --LeakWatch:KeyFile=`"$KeyFile`""
    & sc.exe create $ServiceName binPath= $binPath start= delayed-auto obj= $account DisplayName= 'LeakWatch' | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "sc.exe create failed ($LASTEXITCODE)" }
    & sc.exe description $ServiceName 'Early warning that the lab''s patient records are circulating.' | Out-Null
    # Restart after a crash; exit codes 1 and 2 (wrong key, bad configuration) stop it for good, as logged.
    & sc.exe failure $ServiceName reset= 86400 actions= restart/60000/restart/60000/none/0 | Out-Null
}

# Folders for the service account only (the virtual account exists once the service does).
foreach ($folder in @($DataDirectory, $keyFolder)) {
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    & icacls.exe $folder /inheritance:r /grant:r "SYSTEM:(OI)(CI)F" "BUILTIN\Administrators:(OI)(CI)F" "${account}:(OI)(CI)M" | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls failed on $folder ($LASTEXITCODE)" }
}

Start-Service -Name $ServiceName
Write-Host "LeakWatch installed and started as $account."
Write-Host "Data: $DataDirectory   Key: $KeyFile (generated on first start; back it up apart from the data folder)."
Write-Host "Logs: Windows Event Log (Application, source $ServiceName)."
