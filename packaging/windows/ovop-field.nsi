; OVOP Field for Windows: a per-user installer, no administrator rights.
;
; Installs the app (ovop-field.exe) and the command line (ovop.exe) into
; %LOCALAPPDATA%\Programs\OVOP Field, puts that folder on the user's PATH, adds a Start menu
; entry and the uninstall entry (Settings > Apps) under HKCU. The office server (ovop-server.exe)
; is an optional component, off unless chosen (or /SERVER on the command line).
;
; Built on Linux by scripts/windows-installer.sh, which passes:
;   -DVERSION=0.1.0 -DVIVERSION=0.1.0.0 -DBINDIR=<folder with the exes> -DOUTFILE=<setup.exe>
;   -DROOT=<the repository> [-DWITH_SERVER] [-DEXTRA_FILES=<generated .nsh>]
;
; Command line of the installer:  /S silent; /SERVER also install the office server;
;                                 /D=<folder> the install folder (last, unquoted).
; Command line of the uninstaller: /S silent; /REMOVEDATA also delete the officer's data
;                                 (%LOCALAPPDATA%\org.ovopfield.app). Without it the data stays.
;
; Both stop while OVOP Field or ovop.exe runs from the folder (asked to close it; silent: exit
; code 2, nothing changed). The interactive uninstaller asks about the data with an unticked
; checkbox and confirms before deleting it.
;
; The installer writes install-log.txt (UTF-16) beside the program: the WebView2 check and the
; PATH change, in the officer's language (Windows' display language: Indonesian, English or
; Vietnamese; Indonesian for any other), also when silent.

Unicode true
ManifestDPIAware true
; The app is 64-bit: so is the installer (and Wine without 32-bit support runs it).
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!macro NEED name
  !ifndef ${name}
    !error "${name} is not defined: build with scripts/windows-installer.sh"
  !endif
!macroend
!insertmacro NEED VERSION
!insertmacro NEED BINDIR
!insertmacro NEED OUTFILE
!insertmacro NEED ROOT
!ifndef VIVERSION
  !define VIVERSION "${VERSION}.0"
!endif

!define APP "OVOP Field"
!define PUBLISHER "OVOP Field"
; The app's data folder is the Tauri identifier under %LOCALAPPDATA% (crates/app/src/folder.rs).
!define APP_ID "org.ovopfield.app"
!define DATA_POINTER "data-folder.txt"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define ENV_KEY "Environment"
!define WV2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show
BrandingText "${APP} ${VERSION}"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include Sections.nsh
!include WinMessages.nsh
!include TextFunc.nsh

!define MUI_ICON "${ROOT}/assets/icons/icon.ico"
!define MUI_UNICON "${ROOT}/assets/icons/icon.ico"
!define MUI_ABORTWARNING
!define MUI_UNABORTWARNING

Var LogFile       ; handle of install-log.txt
Var WV2Version    ; the WebView2 runtime's version, empty when missing
Var PathValue     ; HKCU\Environment Path, read raw (unexpanded)
Var PathResult    ; the same without the install folder
Var PathRemoved   ; how many entries were the install folder
Var PathPos
Var PathStart
Var PathLen
Var PathEntry
Var PathChar
Var PathFirst
Var PathTrim
Var DataDir       ; the officer's data folder
Var MovedDir      ; where the officer moved the data, when they did

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\ovop-field.exe"
!define MUI_PAGE_CUSTOMFUNCTION_SHOW FinishShow
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; Indonesian first: the language when Windows speaks none of the three. Otherwise NSIS picks
; the one matching the user's Windows display language.
!insertmacro MUI_LANGUAGE "Indonesian"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Vietnamese"

!include "strings.nsh"
!ifdef EXTRA_FILES
  !include "${EXTRA_FILES}"
!endif

VIProductVersion "${VIVERSION}"
VIFileVersion "${VIVERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${APP}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${APP} ${VERSION} Setup"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "Apache-2.0"


; A line in the details list and in install-log.txt.
!macro LOG text
  DetailPrint "${text}"
  FileWriteUTF16LE $LogFile "${text}$\r$\n"
!macroend

; ---------------------------------------------------------------------------------------------
; The user's PATH, in plain NSIS. Its value is read and written whole, so one longer than
; NSIS_MAX_STRLEN (${NSIS_MAX_STRLEN} characters in this build) is never touched: ReadRegStr
; fails on it, and the installer says so instead of writing back a truncated copy.

!macro PATH_FUNCTIONS un
; Whether HKCU\Environment has a value named Path: $0 = 1 or 0.
Function ${un}PathValueExists
  StrCpy $0 0
  StrCpy $1 0
  ${Do}
    ClearErrors
    EnumRegValue $2 HKCU "${ENV_KEY}" $1
    ${If} ${Errors}
    ${OrIf} $2 == ""
      ${ExitDo}
    ${EndIf}
    ${If} $2 == "Path"
      StrCpy $0 1
      ${ExitDo}
    ${EndIf}
    IntOp $1 $1 + 1
  ${Loop}
FunctionEnd

; Reads Path into $PathValue: $0 = "ok", "absent" or "unreadable" (too long for NSIS, or not
; a string).
Function ${un}ReadPath
  ClearErrors
  ReadRegStr $PathValue HKCU "${ENV_KEY}" "Path"
  ${IfNot} ${Errors}
    StrCpy $0 "ok"
    Return
  ${EndIf}
  StrCpy $PathValue ""
  Call ${un}PathValueExists
  ${If} $0 == 1
    StrCpy $0 "unreadable"
  ${Else}
    StrCpy $0 "absent"
  ${EndIf}
FunctionEnd

; $PathValue without the entries that name $INSTDIR (case-insensitive, with or without a final
; backslash) into $PathResult, their count into $PathRemoved. Every other entry, empty ones
; included, is kept as it was, in its order.
Function ${un}PathWithoutInstdir
  StrCpy $PathResult ""
  StrCpy $PathRemoved 0
  StrCpy $PathFirst 1
  StrCpy $PathPos 0
  StrCpy $PathStart 0
  StrLen $PathLen $PathValue
  ${If} $PathLen == 0
    Return
  ${EndIf}
  ${Do}
    StrCpy $PathChar $PathValue 1 $PathPos
    ${If} $PathChar == ";"
    ${OrIf} $PathPos >= $PathLen
      IntOp $PathChar $PathPos - $PathStart
      StrCpy $PathEntry $PathValue $PathChar $PathStart
      StrCpy $PathTrim $PathEntry 1 -1
      ${If} $PathTrim == "\"
        StrCpy $PathTrim $PathEntry -1
      ${Else}
        StrCpy $PathTrim $PathEntry
      ${EndIf}
      ${If} $PathTrim == $INSTDIR
        IntOp $PathRemoved $PathRemoved + 1
      ${ElseIf} $PathFirst == 1
        StrCpy $PathResult $PathEntry
        StrCpy $PathFirst 0
      ${Else}
        StrCpy $PathResult "$PathResult;$PathEntry"
      ${EndIf}
      IntOp $PathStart $PathPos + 1
    ${EndIf}
    ${If} $PathPos >= $PathLen
      ${ExitDo}
    ${EndIf}
    IntOp $PathPos $PathPos + 1
  ${Loop}
FunctionEnd
!macroend
!insertmacro PATH_FUNCTIONS ""
!insertmacro PATH_FUNCTIONS "un."

; Appends $INSTDIR to the user's Path unless it is there already.
Function AddToPath
  Call ReadPath
  ${If} $0 == "unreadable"
    !insertmacro LOG "$(PathTooLong)"
    Return
  ${EndIf}
  Call PathWithoutInstdir
  ${If} $PathRemoved > 0
    !insertmacro LOG "$(PathAlready)"
    Return
  ${EndIf}
  StrLen $1 $PathValue
  StrLen $2 $INSTDIR
  IntOp $1 $1 + $2
  IntOp $1 $1 + 2
  ${If} $1 >= ${NSIS_MAX_STRLEN}
    !insertmacro LOG "$(PathTooLong)"
    Return
  ${EndIf}
  ${If} $PathValue == ""
    StrCpy $PathValue $INSTDIR
  ${Else}
    StrCpy $1 $PathValue 1 -1
    ${If} $1 == ";"
      StrCpy $PathValue "$PathValue$INSTDIR"
    ${Else}
      StrCpy $PathValue "$PathValue;$INSTDIR"
    ${EndIf}
  ${EndIf}
  WriteRegExpandStr HKCU "${ENV_KEY}" "Path" $PathValue
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  !insertmacro LOG "$(PathAdded)"
FunctionEnd

; Removes exactly the entries naming $INSTDIR; the value goes when nothing else is left in it.
Function un.RemoveFromPath
  Call un.ReadPath
  ${If} $0 == "unreadable"
    DetailPrint "$(UnPathTooLong)"
    Return
  ${ElseIf} $0 == "absent"
    DetailPrint "$(UnPathAbsent)"
    Return
  ${EndIf}
  Call un.PathWithoutInstdir
  ${If} $PathRemoved == 0
    DetailPrint "$(UnPathAbsent)"
    Return
  ${EndIf}
  ${If} $PathResult == ""
    DeleteRegValue HKCU "${ENV_KEY}" "Path"
  ${Else}
    WriteRegExpandStr HKCU "${ENV_KEY}" "Path" $PathResult
  ${EndIf}
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  DetailPrint "$(UnPathRemoved)"
FunctionEnd

; ---------------------------------------------------------------------------------------------
; WebView2: the app's window needs the Evergreen runtime; the command line does not.

!macro WV2_READ root key
  ${If} $WV2Version == ""
    ClearErrors
    ReadRegStr $0 ${root} "${key}\Microsoft\EdgeUpdate\Clients\${WV2_GUID}" "pv"
    ${IfNot} ${Errors}
    ${AndIf} $0 != ""
    ${AndIf} $0 != "0.0.0.0"
      StrCpy $WV2Version $0
    ${EndIf}
  ${EndIf}
!macroend

Function FindWebView2
  StrCpy $WV2Version ""
  !insertmacro WV2_READ HKLM "SOFTWARE\WOW6432Node"
  !insertmacro WV2_READ HKLM "SOFTWARE"
  !insertmacro WV2_READ HKCU "Software"
FunctionEnd

; ---------------------------------------------------------------------------------------------
; A running program cannot be replaced or deleted: ask to close it (silent: exit code 2).

!macro CLOSED_CHECK un
Function ${un}EnsureClosed
  ${ForEach} $1 0 1 + 1
    ${If} $1 == 0
      StrCpy $2 "$INSTDIR\ovop-field.exe"
    ${Else}
      StrCpy $2 "$INSTDIR\ovop.exe"
    ${EndIf}
    ${If} ${FileExists} $2
    retry:
      ClearErrors
      FileOpen $0 $2 a
      ${If} ${Errors}
        MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(AppRunning)" /SD IDCANCEL IDRETRY retry
        SetErrorLevel 2
        Quit
      ${EndIf}
      FileClose $0
    ${EndIf}
  ${Next}
FunctionEnd
!macroend
!insertmacro CLOSED_CHECK ""
!insertmacro CLOSED_CHECK "un."

; ---------------------------------------------------------------------------------------------
; Installer

Section "!$(SecApp)" SecApp
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ClearErrors
  FileOpen $LogFile "$INSTDIR\install-log.txt" w
  FileWriteWord $LogFile 0xFEFF
  ${GetTime} "" "L" $0 $1 $2 $3 $4 $5 $6
  !insertmacro LOG "$(LogHeader) ($2-$1-$0 $4:$5:$6)"
  !insertmacro LOG "$(InstalledTo)"

  File "${BINDIR}/ovop-field.exe"
  File "${BINDIR}/ovop.exe"
  !ifdef EXTRA_FILES
    !insertmacro EXTRA_FILES_INSTALL
  !endif
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\ovop-field.exe" "" "$INSTDIR\ovop-field.exe" 0
  !insertmacro LOG "$(ShortcutCreated)"

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\ovop-field.exe,0"
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ; The uninstaller speaks the language the installer spoke.
  WriteRegStr HKCU "${UNINST_KEY}" "InstallerLanguage" "$LANGUAGE"

  Call AddToPath

  Call FindWebView2
  ${If} $WV2Version != ""
    !insertmacro LOG "$(WebView2Found)"
  ${Else}
    ; Never blocks: the command line works without it, and a silent install goes on.
    !insertmacro LOG "$(WebView2Missing)"
    ${IfNot} ${Silent}
      MessageBox MB_OK|MB_ICONINFORMATION "$(WebView2Missing)"
    ${EndIf}
  ${EndIf}
SectionEnd

!ifdef WITH_SERVER
Section /o "$(SecServer)" SecServer
  SetOutPath "$INSTDIR"
  File "${BINDIR}/ovop-server.exe"
  !insertmacro LOG "$(ServerInstalled)"
SectionEnd
!endif

Section "-Finish"
  !ifdef WITH_SERVER
    ; Unticked on a reinstall: the server the folder held goes.
    ${IfNot} ${SectionIsSelected} ${SecServer}
      Delete "$INSTDIR\ovop-server.exe"
    ${EndIf}
  !else
    Delete "$INSTDIR\ovop-server.exe"
  !endif
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
  FileClose $LogFile
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "$(SecAppDesc)"
  !ifdef WITH_SERVER
    !insertmacro MUI_DESCRIPTION_TEXT ${SecServer} "$(SecServerDesc)"
  !endif
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  SetShellVarContext current
  Call EnsureClosed
  !ifdef WITH_SERVER
    ; Asked for on the command line, or installed before: keep it.
    ClearErrors
    ${GetOptions} $CMDLINE "/SERVER" $0
    ${IfNot} ${Errors}
    ${OrIf} ${FileExists} "$INSTDIR\ovop-server.exe"
      !insertmacro SelectSection ${SecServer}
    ${EndIf}
  !endif
FunctionEnd

; Without WebView2 the app would not open: the finish page does not offer to start it.
Function FinishShow
  ${If} $WV2Version == ""
    SendMessage $mui.FinishPage.Run ${BM_SETCHECK} 0 0
  ${EndIf}
FunctionEnd

; ---------------------------------------------------------------------------------------------
; Uninstaller

Section "!un.$(UnSecApp)" SecUnApp
  SectionIn RO
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$INSTDIR\ovop-field.exe"
  Delete "$INSTDIR\ovop.exe"
  Delete "$INSTDIR\ovop-server.exe"
  !ifdef EXTRA_FILES
    !insertmacro EXTRA_FILES_UNINSTALL
  !endif
  Delete "$INSTDIR\install-log.txt"
  Delete "$INSTDIR\Uninstall.exe"
  ; Not /r: a folder the user chose may hold their own files.
  RMDir "$INSTDIR"
  ${If} ${FileExists} "$INSTDIR\*.*"
    DetailPrint "$(UnFilesLeft)"
  ${EndIf}
  Call un.RemoveFromPath
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

; Off unless ticked (interactive) or /REMOVEDATA (silent).
Section /o "un.$(UnSecData)" SecUnData
  ${IfNot} ${FileExists} "$DataDir\*.*"
    DetailPrint "$(UnDataNone)"
    Return
  ${EndIf}
  ${IfNot} ${Silent}
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$(UnDataConfirm)" IDYES confirmed
    DetailPrint "$(UnDataKept)"
    Return
    confirmed:
  ${EndIf}
  ; The officer may have moved the data elsewhere in the app: that folder is theirs to delete.
  StrCpy $MovedDir ""
  ClearErrors
  FileOpen $0 "$DataDir\${DATA_POINTER}" r
  ${IfNot} ${Errors}
    FileRead $0 $MovedDir
    FileClose $0
    ${un.TrimNewLines} $MovedDir $MovedDir
  ${EndIf}
  RMDir /r "$DataDir"
  ${If} ${FileExists} "$DataDir\*.*"
    DetailPrint "$(UnDataNotRemoved)"
  ${Else}
    DetailPrint "$(UnDataRemoved)"
  ${EndIf}
  ${If} $MovedDir != ""
    DetailPrint "$(UnDataMoved)"
  ${EndIf}
SectionEnd

Section "-un.Finish"
  ${IfNot} ${SectionIsSelected} ${SecUnData}
  ${AndIf} ${FileExists} "$DataDir\*.*"
    DetailPrint "$(UnDataKept)"
  ${EndIf}
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnApp} "$(UnSecAppDesc)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnData} "$(UnSecDataDesc)"
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END

Function un.onInit
  SetShellVarContext current
  StrCpy $DataDir "$LOCALAPPDATA\${APP_ID}"
  ClearErrors
  ReadRegStr $0 HKCU "${UNINST_KEY}" "InstallerLanguage"
  ${IfNot} ${Errors}
  ${AndIf} $0 != ""
    StrCpy $LANGUAGE $0
  ${EndIf}
  Call un.EnsureClosed
  ClearErrors
  ${un.GetOptions} $CMDLINE "/REMOVEDATA" $0
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecUnData}
  ${EndIf}
FunctionEnd
