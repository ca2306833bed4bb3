//! The one table of error codes. Every refusal any part of OVOP Field gives, the app's, the
//! command line's or the server's, carries one of these stable codes: the UI translates it,
//! scripts match it, the server answers with it (with the HTTP status given here, where it has
//! one). `docs/codes.md` is generated from this table and a test keeps it in step; another test
//! checks that every code that can reach the app's window has a message in id, en and vi.
//!
//! A code is never renamed or reused once released: add a new one.

use std::fmt;

/// Who can see a code: it decides which codes the app's window must have words for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Can reach the desktop app's window (the store, the app, sync, the sheets, and what the
    /// server answers a laptop): the UI has a message for it in every language.
    App,
    /// Only the command line gives it (it prints the English message).
    Cli,
    /// Only the server's office side gives it (the dashboard and the admin API).
    Office,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::App => "app",
            Audience::Cli => "cli",
            Audience::Office => "office",
        }
    }
}

macro_rules! codes {
    ($($variant:ident => ($code:literal, $status:expr, $audience:ident, $meaning:literal),)*) => {
        /// A stable error code (see the module's documentation).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(
                #[doc = $meaning]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the table's order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as it travels and is printed: `store.not_found`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// The HTTP status the server answers with, for a code the server gives as the
            /// answer to a whole request.
            pub const fn status(self) -> Option<u16> {
                match self {
                    $(Code::$variant => $status,)*
                }
            }

            pub const fn audience(self) -> Audience {
                match self {
                    $(Code::$variant => Audience::$audience,)*
                }
            }

            /// What it means, in one line.
            pub const fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning,)*
                }
            }
        }
    };
}

const NONE: Option<u16> = None;
const fn http(status: u16) -> Option<u16> {
    Some(status)
}

codes! {
    // The rubric engine: answers that do not fit a criteria set (each one a detail of
    // `answers.invalid`, naming its criterion).
    AnswersInvalid => ("answers.invalid", http(422), App, "The answers do not fit the criteria set; each refusal is a detail naming its criterion."),
    AnswersWouldStop => ("answers.would_stop", NONE, App, "The change stops the sheet and would clear answers after it; asked first, nothing saved; each answer it would clear is a detail."),
    AnswersWrongSet => ("answers.wrong_set", NONE, App, "The answers are for another criteria set."),
    AnswersWrongVersion => ("answers.wrong_version", NONE, App, "The answers are for another version of the criteria set."),
    AnswersUnknownCriterion => ("answers.unknown_criterion", NONE, App, "An answer names a criterion the set does not have."),
    AnswersUnknownGate => ("answers.unknown_gate", NONE, App, "An answer names a gate the set does not have."),
    AnswersAfterKnockout => ("answers.after_knockout", NONE, App, "A criterion is answered after a knock-out that stops the sheet."),
    AnswersNotOptional => ("answers.not_optional", NONE, App, "A criterion that always applies is marked not applicable."),
    AnswersApplies => ("answers.applies", NONE, App, "A criterion marked not applicable applies, by the score of the criterion it depends on."),
    AnswersNotApplicable => ("answers.not_applicable", NONE, App, "A criterion that does not apply, by the score of the criterion it depends on, has a level."),
    AnswersNoSuchLevel => ("answers.no_such_level", NONE, App, "An answer chooses a level the criterion does not have."),
    AnswersNoKnockout => ("answers.no_knockout", NONE, App, "A knock-out is recorded on a criterion that has none."),
    AnswersNoMembers => ("answers.no_members", NONE, App, "A council is scored without any member's sheet."),
    AnswersSchema => ("answers.schema", NONE, Cli, "An answers file does not follow the answers format."),

    // Criteria sets: loading, checking and installing them.
    CriteriaNotFound => ("criteria.not_found", NONE, App, "No criteria set of that id and version is installed."),
    CriteriaJsonSyntax => ("criteria.json_syntax", NONE, App, "A criteria set file is not valid JSON."),
    CriteriaSchema => ("criteria.schema", NONE, App, "A criteria set file does not follow the criteria set format."),
    CriteriaNewerFormat => ("criteria.newer_format", NONE, App, "A criteria set file was written for a newer version of the app."),
    CriteriaInvalid => ("criteria.invalid", http(422), App, "A criteria set has errors (its findings say which) and cannot be used."),
    CriteriaVersionClash => ("criteria.version_clash", NONE, App, "Another set with the same id and version, but different content, is installed."),
    CriteriaUnreadable => ("criteria.unreadable", NONE, App, "A criteria set file cannot be read."),
    CriteriaSpreadsheet => ("criteria.spreadsheet", NONE, App, "A criteria set spreadsheet has a cell that cannot be read (sheet, row and column named)."),
    CriteriaFileType => ("criteria.file_type", http(415), App, "The file is neither JSON, XLSX nor CSV."),
    CriteriaEncoding => ("criteria.encoding", http(422), App, "A criteria file is not text: damaged UTF-16, NUL characters (UTF-16 without its byte-order mark), a byte that is no letter in the Windows code page a plain CSV is read in, or JSON that is not Unicode; save it as CSV UTF-8."),
    CriteriaNotASpreadsheet => ("criteria.not_a_spreadsheet", http(422), App, "The file named as a workbook is not an XLSX workbook, or it is damaged."),
    CriteriaSheetTooLarge => ("criteria.sheet_too_large", http(413), App, "A criteria spreadsheet uses more rows or columns, or unpacks to more bytes, than a criteria sheet can."),
    CriteriaEncode => ("criteria.encode", NONE, Cli, "The criteria set could not be written out."),
    CriteriaMalformed => ("criteria.malformed", http(400), Office, "A published criteria set's request body is not JSON."),
    CriteriaTooLarge => ("criteria.too_large", http(413), Office, "A published criteria set is larger than the server accepts."),
    CriteriaVersionExists => ("criteria.version_exists", http(409), Office, "The server already has that set's id and version with other content."),
    CriteriaBadUpload => ("criteria.bad_upload", http(400), Office, "A criteria sheet uploaded on the dashboard: the form cannot be read or has no file."),
    CriteriaDraftUnknown => ("criteria.draft_unknown", http(404), Office, "No uploaded criteria sheet waits under that content hash (never uploaded, or published and gone); upload it again."),

    // The laptop's store.
    StoreNewerSchema => ("store.newer_schema", NONE, App, "The database was made by a newer version of the app."),
    StoreNotADatabase => ("store.not_a_database", NONE, App, "The file is not an SQLite database."),
    StoreCorrupt => ("store.corrupt", NONE, App, "The database is damaged; restore the latest backup."),
    StoreDiskFull => ("store.disk_full", NONE, App, "The disk is full; nothing was saved half-way."),
    StoreFileInUse => ("store.file_in_use", NONE, App, "Another program (a PDF viewer, a spreadsheet) holds the file open; nothing was written."),
    StoreReadOnly => ("store.read_only", NONE, App, "The database or its folder cannot be written."),
    StoreCannotOpen => ("store.cannot_open", NONE, App, "The database cannot be opened or created."),
    StoreNotFound => ("store.not_found", NONE, App, "The record asked for does not exist."),
    StoreInvalid => ("store.invalid", NONE, App, "A record's fields are missing or not valid."),
    StoreLocked => ("store.locked", NONE, App, "The assessment is final; correct it with a new revision."),
    PhotosBudget => ("photos.budget", NONE, App, "A pulled photo does not fit in the disk budget the officer set for pulled photos."),
    StoreNotYours => ("store.not_yours", NONE, App, "A colleague's assessment pulled from the office is read-only; only its owner corrects it."),
    StoreRegionData => ("store.region_data", NONE, App, "The shipped region data cannot be read."),
    RegionNoSuccessor => ("region.no_successor", NONE, App, "The producer's unit has no successor in the government's table of 1 July 2025; choose its commune by hand."),
    RegionNotSuccessor => ("region.not_successor", NONE, App, "The unit chosen is not one the producer's old commune went into; choose one of those offered."),
    RegionCountries => ("region.countries", NONE, App, "The countries chosen are not ones whose regions the app ships (Indonesia, Vietnam)."),
    StoreIo => ("store.io", NONE, App, "A data file cannot be read or written."),
    StoreExists => ("store.exists", NONE, App, "Something is already there; nothing was written over it."),
    StoreInUse => ("store.in_use", NONE, App, "A producer with products, or a product with assessments, cannot be deleted."),
    StoreSqlite => ("store.sqlite", NONE, App, "The database answered with an unexpected error."),
    StoreStarting => ("store.starting", NONE, App, "The region data is still being prepared on a first start."),
    StoreUnavailable => ("store.unavailable", NONE, App, "The store stopped after an error; restart the app."),
    StoreNoBackup => ("store.no_backup", NONE, App, "There is no backup to restore."),
    StoreNoQuorum => ("store.no_quorum", NONE, App, "A council's verdict needs its roster and the programme's quorum (the members present, the chair among them)."),

    // Photos.
    PhotoUnreadable => ("photo.unreadable", NONE, App, "The file is not a picture, or the picture is damaged."),
    PhotoUnsupported => ("photo.unsupported", NONE, App, "The picture's format is not JPEG or PNG."),
    PhotoTooLarge => ("photo.too_large", NONE, App, "The picture is larger than the app takes."),

    // The window outside the desktop app.
    AppBrowserPreview => ("app.browser_preview", NONE, App, "The window runs in a plain browser on sample data, which it only reads; assessments are started and scored in the desktop app."),

    // The data folder and backups.
    DataNotAbsolute => ("data.not_absolute", NONE, App, "A folder or file is not given as a full path."),
    DataSameFolder => ("data.same_folder", NONE, App, "The data is already in that folder."),
    DataInsideCurrent => ("data.inside_current", NONE, App, "The folder is inside the current data folder."),
    DataTargetHasData => ("data.target_has_data", NONE, App, "The folder already holds an OVOP Field database."),
    DataCannotWrite => ("data.cannot_write", NONE, App, "The folder cannot be written; the data stays where it was."),
    DataFolderMissing => ("data.folder_missing", NONE, App, "The folder the data was moved to cannot be found (a drive not plugged in)."),
    DataNoDir => ("data.no_dir", NONE, Cli, "No data folder is given or known."),
    DataUnwritable => ("data.unwritable", NONE, Cli, "The data folder cannot be created or written."),
    BackupNotFound => ("backup.not_found", NONE, App, "No backup has that name."),
    BackupDamaged => ("backup.damaged", NONE, App, "The backup file is cut short or damaged; nothing was changed."),
    BackupNotABackup => ("backup.not_a_backup", NONE, App, "The file is not an OVOP Field backup; nothing was changed."),
    BackupNewer => ("backup.newer", NONE, App, "The backup was made by a newer version of the app; update it first."),

    // Printed sheets.
    SheetFont => ("sheet.font", NONE, App, "The sheet's fonts cannot be read."),
    SheetInvalid => ("sheet.invalid", NONE, App, "The sheet cannot be made from the data as it is."),
    SheetWrite => ("sheet.write", NONE, App, "The PDF cannot be written there."),
    SheetNoViewer => ("sheet.no_viewer", NONE, App, "No program on the laptop opens PDF files."),
    SheetBatchEmpty => ("sheet.batch_empty", NONE, Cli, "A batch of sheets would have no sheet in it."),

    // Enrolment.
    EnrolNoServer => ("enrol.no_server", NONE, App, "The server's address is missing."),
    EnrolNoQr => ("enrol.no_qr", NONE, App, "The picture has no OVOP Field enrolment code."),
    EnrolQrUnreadable => ("enrol.qr_unreadable", NONE, App, "The picture of the enrolment code cannot be read."),
    EnrolNoCredentials => ("enrol.no_credentials", NONE, Cli, "Neither a user, a code nor a QR picture is given."),
    EnrolNoPassword => ("enrol.no_password", NONE, Cli, "The password cannot be read."),
    EnrolPasswordChange => ("enrol.password_change", http(403), App, "An admin reset the password and asked for a new one: change it on the dashboard's sign-in page, or enrol with a one-time code."),
    EnrolRefused => ("enrol.refused", http(401), App, "The user and password, or the code, are not right (or the code was used, expired or its user disabled)."),
    EnrolInvalid => ("enrol.invalid", http(400), App, "An enrolment gives neither a user and password nor a code, or both."),
    EnrolMalformed => ("enrol.malformed", http(400), App, "An enrolment's request body is not JSON."),
    EnrolTooLarge => ("enrol.too_large", http(413), App, "An enrolment's request body is too large."),
    EnrolDeviceName => ("enrol.device_name", http(400), App, "The laptop's name is empty or longer than 120 characters."),

    // Sync, on the laptop.
    SyncOffline => ("sync.offline", NONE, App, "The server cannot be reached."),
    SyncTimeout => ("sync.timeout", NONE, App, "The server did not answer in time."),
    SyncNotTheServer => ("sync.not_the_server", NONE, App, "What answered is not an OVOP Field server (a Wi-Fi login page, say)."),
    SyncProtocolVersion => ("sync.protocol_version", NONE, App, "The server speaks another version of the sync protocol."),
    SyncServerError => ("sync.server_error", NONE, App, "The server failed; sync tries again later."),
    SyncBadAnswer => ("sync.bad_answer", NONE, App, "The server's answer cannot be read."),
    SyncEnrolAgain => ("sync.enrol_again", NONE, App, "The server no longer knows this laptop: enrol again."),
    SyncBadAddress => ("sync.bad_address", NONE, App, "The server's address is not an http(s) address."),
    SyncTooLarge => ("sync.too_large", NONE, App, "A record is larger than the server takes in one push."),
    SyncBusy => ("sync.busy", NONE, App, "The server is busy; sync tries again later."),
    SyncClient => ("sync.client", NONE, App, "The laptop's HTTP client cannot start."),
    SyncLocal => ("sync.local", NONE, App, "The laptop's own store failed during a sync."),
    SyncNotEnrolled => ("sync.not_enrolled", NONE, App, "This laptop is not enrolled with a server."),
    SyncEnrolmentUnreadable => ("sync.enrolment_unreadable", NONE, App, "The laptop's enrolment file cannot be read."),
    SyncEnrolmentUnwritable => ("sync.enrolment_unwritable", NONE, App, "The laptop's enrolment file cannot be written."),
    SyncKeyringUnavailable => ("sync.keyring_unavailable", NONE, App, "The device token is in the system keyring, which does not answer."),
    SyncRuntime => ("sync.runtime", NONE, Cli, "The command line's async runtime cannot start."),

    // The server: authentication.
    AuthMissing => ("auth.missing", http(401), App, "The request has no device token or session."),
    AuthInvalidToken => ("auth.invalid_token", http(401), App, "The device token is unknown, revoked or expired."),
    AuthTooManyAttempts => ("auth.too_many_attempts", http(429), App, "Too many wrong sign-ins from here; wait and try again."),
    AuthRole => ("auth.role", http(403), Office, "The user's role may not do this."),
    AuthCsrf => ("auth.csrf", http(403), Office, "A dashboard form came without its session's token."),
    AuthOrigin => ("auth.origin", http(403), Office, "A dashboard form was posted from a page that is not the dashboard's own (its Origin or Referer names another site)."),

    // The server: pushes, records and photos.
    PushMalformed => ("push.malformed", http(400), App, "A push's body is not JSON."),
    PushInvalid => ("push.invalid", http(400), App, "A push, or a record in it, has a field missing or not valid (the field is named)."),
    PushTooLarge => ("push.too_large", http(413), App, "A push is larger than the server accepts."),
    PushTooMany => ("push.too_many", http(413), App, "A push has more records than the server accepts."),
    PushBadId => ("push.bad_id", NONE, App, "A record's id is not a UUID."),
    PushBadRevision => ("push.bad_revision", NONE, App, "A record's revision is not 1 or more."),
    PushBadHash => ("push.bad_hash", NONE, App, "A record's hash is not a SHA-256."),
    PushHashMismatch => ("push.hash_mismatch", NONE, App, "A record's hash is not the hash of its body."),
    PushBadBody => ("push.bad_body", NONE, App, "A record's body is not an object."),
    PushBadBlob => ("push.bad_blob", NONE, App, "A record names a photo by something that is not a SHA-256."),
    PushBlobTooLarge => ("push.blob_too_large", NONE, App, "A record's photo is larger than the server takes."),
    PushNoAnswers => ("push.no_answers", NONE, App, "An assessment came without the answers it was scored from; the server scores every result again."),
    PushTooManyBlobs => ("push.too_many_blobs", NONE, App, "A record names more photos than the server takes for one record."),
    PushTooManyUploads => ("push.too_many_uploads", NONE, App, "The officer has too many photos declared and not yet uploaded; the record waits until they arrive."),
    BlobNotYours => ("blob.not_yours", http(403), App, "No record of this officer names the photo: only the officer who declared it uploads it."),
    PushBlobSize => ("push.blob_size", NONE, App, "A photo is named with two different sizes."),
    PushConflict => ("push.conflict", NONE, App, "The server has this revision with other content."),
    PushNotOwner => ("push.not_owner", NONE, App, "The assessment belongs to another officer: only their laptops add revisions to it."),
    PushRegionMismatch => ("push.region_mismatch", NONE, App, "The assessment is recorded in another regency than the product assessed."),
    PushRejected => ("push.rejected", NONE, App, "The server refused the record (its reason is given)."),
    PushRegionNotAssigned => ("push.region_not_assigned", http(403), App, "The record's region is not one of the officer's."),
    PushResultMismatch => ("push.result_mismatch", NONE, App, "The server scores the answers differently from the laptop."),
    PushProvisional => ("push.provisional", NONE, App, "The answers leave the result provisional: a sheet is not complete, or the council is beyond its divergence or without its quorum."),
    PushUnknownProduct => ("push.unknown_product", NONE, App, "The server does not know the assessed product."),
    PushUnknownRecord => ("push.unknown_record", NONE, App, "The server does not know the producer or product an edit changes."),
    PushBadEdit => ("push.bad_edit", NONE, App, "An edit names a field that cannot be changed, or gives it a value it cannot hold."),
    PushUnknownProducer => ("push.unknown_producer", NONE, App, "The server does not know the product's producer."),
    PushUnknownRegion => ("push.unknown_region", NONE, App, "The server does not know the region code."),
    PushUnknownSet => ("push.unknown_set", NONE, App, "The server does not know the assessment's criteria set (neither shipped, published nor received): the laptop sends the set under its content hash, then the record again."),
    BundleNotABundle => ("bundle.not_a_bundle", http(400), Office, "The file is not a bundle of OVOP Field."),
    BundleTruncated => ("bundle.truncated", http(422), Office, "The bundle ends before its manifest: the copy was cut short."),
    BundleDamaged => ("bundle.damaged", http(422), Office, "An entry of the bundle is not what its manifest says: it was changed or damaged."),
    BundleNewer => ("bundle.newer", http(422), Office, "The bundle was made by a newer app than the server knows."),
    BundleUnknownDevice => ("bundle.unknown_device", http(403), Office, "No laptop enrolled with this office made the bundle."),
    BundleRevoked => ("bundle.revoked", http(403), Office, "The laptop (or the officer) that made the bundle was revoked."),
    BundleBadUpload => ("bundle.bad_upload", http(400), Office, "The bundle's upload on the dashboard cannot be read, or no file was chosen."),
    BundleTooLarge => ("bundle.too_large", http(413), Office, "The bundle is larger than the dashboard takes; import it with ovop-server import-bundle."),
    BundleNoReceipt => ("bundle.no_receipt", http(404), Office, "No receipt of that name is kept on the server."),
    BundleBadSignature => ("bundle.bad_signature", http(403), Office, "The bundle's signature does not hold: it was changed after it was made."),
    ReceiptNotAReceipt => ("receipt.not_a_receipt", NONE, App, "The file is not a receipt of a bundle."),
    ReceiptBadSignature => ("receipt.bad_signature", NONE, App, "The receipt was not signed for this laptop, or was changed."),
    BlobBadName => ("blob.bad_name", http(400), App, "A photo is named by something that is not a SHA-256."),
    BlobBadOffset => ("blob.bad_offset", http(400), App, "A photo chunk's offset cannot be read."),
    BlobWrongOffset => ("blob.wrong_offset", http(409), App, "A photo chunk does not start where the server's copy ends."),
    BlobHashMismatch => ("blob.hash_mismatch", http(422), App, "A photo's bytes do not have the hash it is named by."),
    BlobTooLong => ("blob.too_long", http(413), App, "A photo's bytes go past its declared size."),
    BlobUnknown => ("blob.unknown", http(404), App, "No record declared this photo."),
    BlobIncomplete => ("blob.incomplete", http(404), Office, "The photo has not arrived in full yet."),
    BlobBadRange => ("blob.bad_range", http(416), App, "A photo download asked for a part the photo does not have."),
    BlobNoThumbnail => ("blob.no_thumbnail", http(415), App, "The file is not a picture the server can make a thumbnail of."),
    ChangesBadQuery => ("changes.bad_query", http(400), App, "The change feed's query cannot be read."),

    // The server: a criteria set a laptop sends because the server did not know it.
    SetBadHash => ("set.bad_hash", http(400), App, "A criteria set is sent under something that is not a content hash (sha256: and 64 hex digits)."),
    SetMalformed => ("set.malformed", http(400), App, "A criteria set sent to the server is not UTF-8 JSON."),
    SetTooLarge => ("set.too_large", http(413), App, "A criteria set sent to the server is larger than it accepts."),
    SetHashMismatch => ("set.hash_mismatch", http(422), App, "A criteria set's content does not have the content hash it is sent under."),
    SetInvalid => ("set.invalid", http(422), App, "A criteria set sent to the server is not in the criteria-set format, or has errors (its findings say which)."),

    // The server: plain HTTP refusals and failures.
    HttpBadRequest => ("http.bad_request", http(400), App, "The request cannot be read."),
    HttpNoRoute => ("http.no_route", http(404), App, "No such address on the server."),
    HttpMethodNotAllowed => ("http.method_not_allowed", http(405), App, "The address does not take that method."),
    HttpTooLarge => ("http.too_large", http(413), App, "The request is larger than the server accepts."),
    HttpTooSlow => ("http.too_slow", http(408), App, "A request's body arrived too slowly, or stopped half-way; the app sends it again."),
    HttpUnsupportedMediaType => ("http.unsupported_media_type", http(415), App, "The request's content type is not the one expected."),
    HttpUnprocessable => ("http.unprocessable", http(422), App, "The request's content does not fit."),
    ServerInternal => ("server.internal", http(500), App, "The server failed; nothing internal is said."),
    ServerStorage => ("server.storage", http(503), App, "The server's database failed or is busy."),
    ServerDiskFull => ("server.disk_full", http(507), App, "The server's disk is full."),
    ServerStartup => ("server.startup", http(500), Office, "The server cannot start (its configuration or database)."),

    // The server: the office's side.
    ReviewUnknown => ("review.unknown", http(404), Office, "No such assessment to review."),
    ReviewBadDecision => ("review.bad_decision", http(400), Office, "A decision is neither approve nor return."),
    ReviewBadFilter => ("review.bad_filter", http(400), Office, "A review list's filter cannot be read."),
    ReviewCommentRequired => ("review.comment_required", http(400), Office, "Returning an assessment needs a comment."),
    ReviewCommentTooLong => ("review.comment_too_long", http(400), Office, "The comment is too long."),
    ReviewAlreadyDecided => ("review.already_decided", http(409), Office, "The revision was already decided."),
    ReviewNotLatest => ("review.not_latest", http(409), Office, "A newer revision of the assessment has arrived."),
    ReviewRegionNotAssigned => ("review.region_not_assigned", http(403), Office, "The assessment's region is not one of the supervisor's."),
    ReviewBadOfficer => ("review.bad_officer", http(400), Office, "An assessment is handed over to an enabled officer who works in its region."),
    ReviewOwnAssessment => ("review.own_assessment", http(403), Office, "Nobody decides on an assessment they scored or sat on the council of."),
    ReviewInvalid => ("review.invalid", http(400), Office, "A review request has a field missing or not valid."),
    ReviewMalformed => ("review.malformed", http(400), Office, "A review request's body is not JSON."),
    ReviewExportBusy => ("review.export_busy", http(503), Office, "Two exports are being written already; the answer says when to retry."),
    ReviewExportTooLarge => ("review.export_too_large", http(413), Office, "An XLSX export has more rows than a worksheet holds."),
    ReviewExportFailed => ("review.export_failed", http(507), Office, "The server could not write an export (its temporary folder is full or not writable)."),
    ReviewTooLarge => ("review.too_large", http(413), Office, "A review request is too large."),
    UserBadName => ("user.bad_name", http(400), Office, "A user name is empty, too long or has other characters than letters, digits, dots and dashes."),
    UserBadRole => ("user.bad_role", http(400), Office, "A role is not officer, supervisor or admin."),
    UserExists => ("user.exists", http(409), Office, "A user of that name exists."),
    UserSelf => ("user.self", http(409), Office, "An admin cannot disable themselves."),
    UserWrongPassword => ("user.wrong_password", http(403), Office, "Changing one's password: the current password is wrong."),
    UserSamePassword => ("user.same_password", http(400), Office, "Changing one's password: the new one is the old one."),
    UserPasswordMismatch => ("user.password_mismatch", http(400), Office, "Changing one's password: the new one and its repetition differ."),
    UserUnknown => ("user.unknown", http(404), Office, "No user has that name or id."),
    UserUnknownRegion => ("user.unknown_region", http(400), Office, "A region code the server does not know."),
    UserWeakPassword => ("user.weak_password", http(400), Office, "The password is too short or too common."),
    RoundInvalid => ("round.invalid", http(400), Office, "The office's current round: a programme without levels, a round not written 2026-1, or a level the programme does not have (the field is named)."),
    RoundMalformed => ("round.malformed", http(400), Office, "The office's current round: the body is not JSON."),
    RoundTooLarge => ("round.too_large", http(413), Office, "The office's current round: the body is too large."),
    AwardInvalid => ("award.invalid", http(400), Office, "A star decision: a field missing or not valid, a star outside 1 to 5, a star other than the proposed one without a reason, a product twice (the field is named)."),
    AwardMalformed => ("award.malformed", http(400), Office, "A star decision: the body is not JSON."),
    AwardTooLarge => ("award.too_large", http(413), Office, "A star decision: the body is too large or names too many products."),
    AwardExists => ("award.exists", http(409), Office, "A decision with this number from this authority is recorded already, or the assessment has a star awarded already."),
    AwardNotApproved => ("award.not_approved", http(409), Office, "A star is awarded only on the latest revision of an approved assessment."),
    AwardUnknown => ("award.unknown", http(404), Office, "No such decision or certificate."),
    ForwardInvalid => ("forward.invalid", http(400), Office, "A forwarding batch: no assessment, one named twice, products of several programmes or levels, a note too long (the field is named)."),
    ForwardMalformed => ("forward.malformed", http(400), Office, "A forwarding batch: the body is not JSON."),
    ForwardTooLarge => ("forward.too_large", http(413), Office, "A forwarding batch: the body is too large or names too many assessments."),
    ForwardExists => ("forward.exists", http(409), Office, "The assessment was forwarded already."),
    ForwardNotProposed => ("forward.not_proposed", http(409), Office, "Only the latest revision of an approved assessment proposed to the next level is forwarded."),
    RecapBadQuery => ("recap.bad_query", http(400), Office, "The office's recap: the query cannot be read."),
    RecapBadPeriod => ("recap.bad_period", http(400), Office, "The office's recap: a day that is not a day, a period that ends before it starts or spans more than five years."),
    RecapBadFormat => ("recap.bad_format", http(400), Office, "The office's recap: a format other than json, xlsx or pdf."),
    RecapUnknownRegion => ("recap.unknown_region", http(400), Office, "The office's recap: the region is not a known region code."),
    RecapRegionNotAssigned => ("recap.region_not_assigned", http(403), Office, "The office's recap: the region is outside the supervisor's regions."),
    TargetInvalid => ("target.invalid", http(400), Office, "An office target: not a regency, a year outside 2000 to 2100, a star outside 1 to 5, too many products (the field is named)."),
    TargetMalformed => ("target.malformed", http(400), Office, "An office target: the body is not JSON."),
    TargetTooLarge => ("target.too_large", http(413), Office, "An office target: the body is too large."),
    TargetRegionNotAssigned => ("target.region_not_assigned", http(403), Office, "An office target: the regency is outside the supervisor's regions."),
    CertificateMalformed => ("certificate.malformed", NONE, App, "Not a certificate code: its fields do not read."),
    CertificateUnknownKey => ("certificate.unknown_key", NONE, App, "A certificate signed by a key that is not the office's."),
    CertificateBadSignature => ("certificate.bad_signature", NONE, App, "A certificate whose signature does not match: changed or forged."),
    CertificateBadKey => ("certificate.bad_key", NONE, Cli, "A key given to check a certificate with is not an Ed25519 public key (ed25519:...)."),
    CertificateBadDay => ("certificate.bad_day", NONE, Cli, "The day to judge a certificate's validity on is not written 2026-12-31."),
    UserInvalid => ("user.invalid", http(400), Office, "A user request has a field missing or not valid."),
    UserMalformed => ("user.malformed", http(400), Office, "A user request's body is not JSON."),
    UserTooLarge => ("user.too_large", http(413), Office, "A user request is too large."),
    DeviceBadId => ("device.bad_id", http(400), Office, "A device id cannot be read."),
    DeviceUnknown => ("device.unknown", http(404), Office, "No device has that id."),
    CodeBadValidity => ("code.bad_validity", http(400), Office, "An enrolment code's validity is out of range."),
    CodeInvalid => ("code.invalid", http(400), Office, "An enrolment code request has a field missing or not valid."),
    CodeMalformed => ("code.malformed", http(400), Office, "An enrolment code request's body is not JSON."),
    CodeTooLarge => ("code.too_large", http(413), Office, "An enrolment code request is too large."),

    // The command line's own.
    ExportWrite => ("export.write", NONE, Cli, "The export file cannot be written."),
    FileUnreadable => ("file.unreadable", NONE, Cli, "An input file cannot be read."),
    RegionsUnknownCountry => ("regions.unknown_country", NONE, Cli, "A country other than those whose regions ship."),
}

impl Code {
    /// The code of a string, when it is in the table.
    pub fn parse(code: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Code> for String {
    fn from(code: Code) -> String {
        code.as_str().to_string()
    }
}

/// The table as a Markdown page (`docs/codes.md`).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Error codes\n\n\
         Every refusal of OVOP Field carries one of these stable codes: the app translates it, \
         scripts match it, and the server answers with it (with the HTTP status given, for a code \
         that answers a whole request). Generated from `crates/core/src/codes.rs` by \
         `UPDATE_CODES=1 cargo test -p ovop-core --test codes`; a test fails when this page \
         drifts. *app*: can reach the desktop app's window, which has a message for it in \
         Indonesian, English and Vietnamese; *cli*: only the command line gives it; *office*: \
         only the server's dashboard and admin API give it.\n\n\
         | code | HTTP | seen in | meaning |\n|---|---|---|---|\n",
    );
    for code in Code::ALL {
        let status = code.status().map(|s| s.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            code.as_str(),
            status,
            code.audience().as_str(),
            code.meaning()
        ));
    }
    out
}
