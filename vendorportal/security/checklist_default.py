"""The default security checklist for contact-centre outsourcing, as data in English and Japanese."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

DEFAULT_TEMPLATE_NAME = "Contact-centre outsourcing security checklist"

CATEGORY_NAMES: MappingProxyType[str, tuple[str, str]] = MappingProxyType({
    "governance": ("Governance and certification", "ガバナンス・認証"),
    "people": ("People", "人的セキュリティ"),
    "physical": ("Physical security", "物理的セキュリティ"),
    "access": ("Access control", "アクセス管理"),
    "data": ("Data protection", "データ保護・個人情報の取扱い"),
    "remote_work": ("Remote work", "在宅勤務（リモートワーク）"),
    "operations": ("Operations security", "運用セキュリティ"),
    "incidents": ("Incident management", "インシデント管理"),
    "subcontracting": ("Subcontracting", "再委託管理"),
    "continuity": ("Business continuity", "事業継続"),
})


@dataclass(frozen=True)
class DefaultItem:
    code: str
    category: str
    question_en: str
    question_ja: str
    guidance_en: str
    guidance_ja: str
    weight: int  # 3 = essential, 2 = important, 1 = good practice
    evidence_required: bool

    def __post_init__(self) -> None:
        # The template is edited by hand; catch a typo here rather than in a manager's assessment.
        if self.category not in CATEGORY_NAMES:
            raise ValueError(f"unknown category {self.category!r}")
        if not 1 <= self.weight <= 3:
            raise ValueError(f"weight of {self.code} must be 1, 2 or 3")


DEFAULT_ITEMS: tuple[DefaultItem, ...] = (
    # Governance and certification
    DefaultItem(
        "GOV-01", "governance",
        "Does the site delivering our services hold a current ISO/IEC 27001 (ISMS) certification whose scope "
        "covers those services?",
        "当社業務を提供する拠点は有効なISO/IEC 27001（ISMS）認証を取得しており、"
        "その認証範囲に当社業務が含まれていますか。",
        "Attach the certificate and the scope page (or statement of applicability) showing the expiry date and the "
        "sites covered. If certification is in progress, attach the plan with the target audit date.",
        "認証書と、有効期限および対象拠点が確認できる認証範囲の記載ページ（または適用宣言書）の写しを添付してください。"
        "認証取得に向けて準備中の場合は、審査予定日が分かる取得計画書を添付してください。",
        3, True,
    ),
    DefaultItem(
        "GOV-02", "governance",
        "Does the company hold the Privacy Mark (JIS Q 15001) or an equivalent certification for the protection "
        "of personal information?",
        "プライバシーマーク（JIS Q 15001）またはこれと同等の個人情報保護に関する認証を取得していますか。",
        "Attach the Privacy Mark registration certificate (or the equivalent certificate) showing the registration "
        "number and the period of validity.",
        "登録番号と有効期間が確認できるプライバシーマーク登録証（または同等の認証書）の写しを添付してください。",
        2, True,
    ),
    DefaultItem(
        "GOV-03", "governance",
        "Has a named person been made responsible for the information security of our services, with a deputy, "
        "and have their contact details been given to us?",
        "当社業務の情報セキュリティに関する責任者および代行者を任命し、その氏名と連絡先を当社に届け出ていますか。",
        "Give the name, title, e-mail address and telephone number of the security owner and the deputy in the "
        "comment; attach the appointment record or organisation chart if you have one.",
        "責任者および代行者の氏名・役職・メールアドレス・電話番号をコメント欄に記入してください。"
        "任命書や体制図があれば併せて添付してください。",
        2, False,
    ),
    DefaultItem(
        "GOV-04", "governance",
        "Does the company have an information-security policy and rules approved by management and reviewed at "
        "least once a year?",
        "経営層が承認した情報セキュリティ基本方針および関連規程を整備し、年1回以上見直していますか。",
        "Attach the table of contents of the policy and rules, and the page showing who approved them and the date "
        "of the last review.",
        "基本方針・関連規程の目次と、承認者および最終見直し日が確認できるページを添付してください。",
        2, True,
    ),
    DefaultItem(
        "GOV-05", "governance",
        "Is an internal audit of information security covering our services carried out at least once a year, "
        "with the findings followed up until they are closed?",
        "当社業務を対象とした情報セキュリティの内部監査を年1回以上実施し、"
        "指摘事項の是正が完了するまで管理していますか。",
        "Attach a summary of the latest internal audit report and the list of findings with the status of each "
        "corrective action.",
        "直近の内部監査報告書の要旨と、指摘事項ごとの是正状況が分かる一覧を添付してください。",
        2, True,
    ),
    # People
    DefaultItem(
        "PPL-01", "people",
        "Are background checks carried out, as far as the law permits, on operators and supervisors before they "
        "handle our customers' personal information?",
        "当社顧客の個人情報を取り扱うオペレーターおよび管理者に対し、"
        "法令の範囲内で採用時の経歴確認を実施していますか。",
        "Attach the screening procedure and one completed screening record with personal details masked.",
        "経歴確認の手順書と、個人が特定できないようマスキングした実施記録のサンプル1件を添付してください。",
        2, True,
    ),
    DefaultItem(
        "PPL-02", "people",
        "Has every person working on our services, temporary and part-time staff included, signed a "
        "confidentiality agreement that remains in force after they leave?",
        "当社業務の従事者全員（派遣社員・アルバイトを含む）から、退職後も効力が続く秘密保持誓約書を取得していますか。",
        "Attach the template of the agreement and a list showing the number of signed agreements against the "
        "current number of people on our services.",
        "誓約書のひな形と、当社業務の現在の従事者数に対する誓約書の取得人数が分かる一覧を添付してください。",
        3, True,
    ),
    DefaultItem(
        "PPL-03", "people",
        "Do operators receive security training, including the handling of personal information, when they are "
        "hired and at least once a year?",
        "オペレーターに対し、入社時および年1回以上のセキュリティ教育を実施していますか。",
        "Attach an outline of the training material and the attendance records for the last 12 months showing the "
        "completion rate.",
        "教育資料の概要と、受講率が分かる直近12か月の受講記録を添付してください。",
        3, True,
    ),
    DefaultItem(
        "PPL-04", "people",
        "Are disciplinary measures for breaches of the security rules laid down and made known to all staff?",
        "セキュリティ規程に違反した場合の懲戒処分を就業規則等に定め、全従業員に周知していますか。",
        "Attach the relevant article of the work rules and a record of how it was communicated to staff.",
        "就業規則等の該当条項と、従業員への周知方法が分かる記録を添付してください。",
        1, True,
    ),
    DefaultItem(
        "PPL-05", "people",
        "Are ID cards, authentication tokens and other issued equipment collected from people who leave or move "
        "to other work, and is the return recorded?",
        "退職者・異動者から入館証や認証トークン等の貸与物を回収し、その記録を残していますか。",
        "Attach the leaver checklist and one completed record with personal details masked.",
        "退職・異動時のチェックリストと、個人が特定できないようマスキングした回収記録のサンプル1件を添付してください。",
        1, True,
    ),
    # Physical security
    DefaultItem(
        "PHY-01", "physical",
        "Is entry to and exit from the operations floor controlled by individual authentication (IC card or "
        "biometrics), with the entry and exit logs kept?",
        "業務フロアへの入退室をICカードや生体認証など個人単位の認証で管理し、入退室記録を保管していますか。",
        "Attach a floor plan marking the controlled doors, a sample of the entry and exit log, and its retention "
        "period.",
        "入退室管理を行っている扉を示したフロア図、入退室記録のサンプル、"
        "および記録の保管期間が分かる資料を添付してください。",
        3, True,
    ),
    DefaultItem(
        "PHY-02", "physical",
        "Are visitors registered, given a visible visitor badge and accompanied by staff at all times on the "
        "operations floor?",
        "来訪者の受付記録を取り、来訪者証を着用させたうえで、業務フロアでは常に従業員が同行していますか。",
        "Attach the visitor procedure and a sample page of the visitor log.",
        "来訪者対応の手順書と、来訪者記録簿のサンプルを添付してください。",
        2, True,
    ),
    DefaultItem(
        "PHY-03", "physical",
        "Are the entrances and the operations floor covered by CCTV, with recordings kept for at least 30 days?",
        "出入口および業務フロアに監視カメラを設置し、録画データを30日以上保管していますか。",
        "Attach the camera layout and a screenshot of the recorder's retention setting.",
        "監視カメラの設置位置図と、録画データの保存期間の設定が分かる画面の写しを添付してください。",
        2, True,
    ),
    DefaultItem(
        "PHY-04", "physical",
        "Are personal phones, bags and recording media kept out of the operations floor, in lockers outside it?",
        "私物の携帯電話・かばん・記録媒体の業務フロアへの持ち込みを禁止し、フロア外のロッカーで保管させていますか。",
        "Attach the rule, a photograph of the lockers and the records of how compliance is checked (for example "
        "floor patrol records).",
        "持ち込み禁止のルール、ロッカーの写真、および遵守状況の確認記録（フロア巡回記録など）を添付してください。",
        3, True,
    ),
    DefaultItem(
        "PHY-05", "physical",
        "Is a clear-desk and clear-screen rule in force, so that no notes of customer information are left on "
        "desks and unattended screens are locked?",
        "クリアデスク・クリアスクリーンを徹底し、"
        "顧客情報を記載したメモの放置や離席時の画面ロック漏れがないようにしていますか。",
        "Attach the rule and the results of the latest patrol or spot check.",
        "ルールを定めた文書と、直近の巡回または抜き打ち点検の結果を添付してください。",
        2, True,
    ),
    DefaultItem(
        "PHY-06", "physical",
        "Is paper containing customer information shredded or disposed of by a dissolving service, with the "
        "disposal recorded?",
        "顧客情報を含む紙媒体をシュレッダーまたは溶解処理により廃棄し、廃棄の記録を残していますか。",
        "Attach the disposal procedure and a recent certificate of destruction or disposal record.",
        "廃棄手順書と、直近の溶解証明書または廃棄記録を添付してください。",
        2, True,
    ),
    # Access control
    DefaultItem(
        "ACC-01", "access",
        "Are access rights to our systems and data granted by role and limited to what each person needs for "
        "their work?",
        "当社のシステムおよびデータへのアクセス権限を、役割ごとに業務上必要な最小限の範囲で付与していますか。",
        "Attach the matrix of roles and permissions and the request and approval flow for granting access.",
        "役割ごとの権限一覧（権限マトリクス）と、権限付与の申請・承認フローを添付してください。",
        3, True,
    ),
    DefaultItem(
        "ACC-02", "access",
        "Are access rights reviewed at least once a quarter, with rights no longer needed removed?",
        "アクセス権限の棚卸しを四半期に1回以上実施し、不要となった権限を削除していますか。",
        "Attach the latest review record showing who reviewed, when, and which rights were removed.",
        "実施者・実施日・削除した権限が分かる直近の棚卸し記録を添付してください。",
        2, True,
    ),
    DefaultItem(
        "ACC-03", "access",
        "Does every person sign in with their own ID, with shared or generic IDs prohibited?",
        "IDを個人ごとに発行し、共有IDや汎用IDの利用を禁止していますか。",
        "Attach the rule and an account list showing that no IDs are shared. For any system account, state what "
        "it is used for and who controls it.",
        "ルールを定めた文書と、共有IDがないことが分かるアカウント一覧を添付してください。"
        "システム用のアカウントがある場合は、その用途と管理者を記載してください。",
        3, True,
    ),
    DefaultItem(
        "ACC-04", "access",
        "Are the accounts of people who leave or move disabled within one business day of their last working day?",
        "退職者・異動者のアカウントを、最終勤務日から1営業日以内に無効化していますか。",
        "Attach the leaver procedure and, for the last three leavers, the leaving date and the date each account "
        "was disabled.",
        "退職時の手続き書と、直近3名の退職者について退職日とアカウント無効化日が分かる記録を添付してください。",
        3, True,
    ),
    DefaultItem(
        "ACC-05", "access",
        "Is multi-factor authentication required for remote and administrative access, and are passwords managed "
        "under a written policy?",
        "リモートアクセスおよび管理者権限でのアクセスに多要素認証を必須とし、"
        "パスワードを規程に基づいて管理していますか。",
        "Attach screenshots of the authentication settings and the password policy.",
        "認証設定の画面の写しと、パスワードポリシーを添付してください。",
        2, True,
    ),
    # Data protection
    DefaultItem(
        "DAT-01", "data",
        "Is the personal information we entrust to you used only for our services and handled under our handling "
        "rules (purpose, place and authorised persons)?",
        "当社が預託する個人情報を当社業務の目的に限って利用し、当社の定める取扱いルール（利用目的・取扱場所・取扱者）"
        "に従って取り扱っていますか。",
        "Attach the work procedure that puts our handling rules into practice and the list of people authorised "
        "to handle the data.",
        "当社の取扱いルールを反映した業務手順書と、個人情報の取扱いを許可された者の一覧を添付してください。",
        3, True,
    ),
    DefaultItem(
        "DAT-02", "data",
        "Are local copies of customer data prevented, with USB ports, downloads, printing and screen capture "
        "blocked or controlled by technical means?",
        "顧客データのローカル保存を禁止し、USBポート・ダウンロード・印刷・画面キャプチャを技術的に制限していますか。",
        "Attach the device-control settings and the result of the latest check that they are applied.",
        "デバイス制御の設定内容と、設定が適用されていることを確認した直近の点検結果を添付してください。",
        3, True,
    ),
    DefaultItem(
        "DAT-03", "data",
        "Is customer data kept only for the agreed period and then deleted or returned, with a record of the "
        "deletion or return?",
        "顧客データを契約で定めた期間に限って保管し、期間満了時または契約終了時に消去または返却して、"
        "その記録を残していますか。",
        "Attach the retention schedule and a sample certificate or log of deletion.",
        "保管期間の一覧と、消去証明書または消去記録のサンプルを添付してください。",
        2, True,
    ),
    DefaultItem(
        "DAT-04", "data",
        "Is customer data, call recordings and backups included, encrypted in transit and at rest?",
        "顧客データ（通話録音およびバックアップを含む）を、通信時および保存時に暗号化していますか。",
        "Attach a description, system by system, of the encryption used: protocols, algorithms and key "
        "management.",
        "システムごとの暗号化の方式（通信プロトコル、暗号アルゴリズム、鍵の管理方法）が分かる資料を添付してください。",
        3, True,
    ),
    DefaultItem(
        "DAT-05", "data",
        "Are card numbers and other sensitive data kept out of call recordings, notes and any system not approved "
        "for them?",
        "クレジットカード番号などの機微情報が、"
        "通話録音・メモ・承認されていないシステムに残らない仕組みを整えていますか。",
        "Describe in the comment how sensitive data is kept out (for example pausing the recording while a card "
        "number is given). Answer n/a if our services never involve such data.",
        "機微情報が残らないようにする方法（カード番号の聴取中は録音を一時停止するなど）をコメント欄に記入してください。"
        "当社業務で機微情報を取り扱わない場合は、対象外として回答してください。",
        2, False,
    ),
    # Remote work
    DefaultItem(
        "REM-01", "remote_work",
        "Is remote work on our services done only on devices the company issues and manages, with personal "
        "devices prohibited?",
        "在宅勤務で当社業務を行う場合、会社が貸与・管理する端末のみを使用させ、私物端末の利用を禁止していますか。",
        "Attach the remote-work rules and the asset register of the devices used. Answer n/a if no remote work is "
        "done on our services.",
        "在宅勤務規程と、使用端末の資産管理台帳を添付してください。当社業務で在宅勤務を行っていない場合は、"
        "対象外として回答してください。",
        3, True,
    ),
    DefaultItem(
        "REM-02", "remote_work",
        "Do remote workers connect only through a VPN or an equally secure connection, with multi-factor "
        "authentication?",
        "在宅勤務時の社内システムへの接続を、多要素認証を備えたVPN等の安全な経路に限定していますか。",
        "Attach a network diagram or the VPN settings showing the connection path and the authentication used.",
        "接続経路と認証方式が分かるネットワーク構成図またはVPNの設定資料を添付してください。",
        3, True,
    ),
    DefaultItem(
        "REM-03", "remote_work",
        "Do remote operators work where no one else can see their screen or overhear their calls, with privacy "
        "filters fitted?",
        "在宅勤務者は、家族などの第三者に画面を見られたり通話を聞かれたりしない環境で業務を行い、"
        "覗き見防止フィルターを使用していますか。",
        "Describe in the comment the rules for the home workplace and how they are checked (for example "
        "self-check sheets or spot checks).",
        "在宅での作業環境に関するルールと、その確認方法（セルフチェックシートや抜き打ち確認など）"
        "をコメント欄に記入してください。",
        2, False,
    ),
    # Operations security
    DefaultItem(
        "OPS-01", "operations",
        "Are access and operation logs of the systems holding our data collected, kept for at least one year and "
        "reviewed regularly?",
        "当社データを取り扱うシステムのアクセスログおよび操作ログを取得して1年以上保管し、定期的に確認していますか。",
        "Attach the list of logs collected with their retention periods and the record of the latest log review.",
        "取得しているログの一覧と保管期間、および直近のログ確認の記録を添付してください。",
        3, True,
    ),
    DefaultItem(
        "OPS-02", "operations",
        "Is anti-malware software installed on every device and server, with its definitions updated "
        "automatically?",
        "すべての端末およびサーバーにマルウェア対策ソフトを導入し、定義ファイルを自動で更新していますか。",
        "Attach a screenshot of the management console showing coverage and update status.",
        "導入状況と更新状況が分かる管理コンソールの画面の写しを添付してください。",
        2, True,
    ),
    DefaultItem(
        "OPS-03", "operations",
        "Are security patches for operating systems and software applied within a set time, critical ones within "
        "14 days?",
        "OSおよびソフトウェアのセキュリティパッチを定められた期限内（緊急度の高いものは14日以内）に適用していますか。",
        "Attach the patching policy and the latest patch status report.",
        "パッチ適用の方針と、直近のパッチ適用状況のレポートを添付してください。",
        2, True,
    ),
    DefaultItem(
        "OPS-04", "operations",
        "Are systems reachable from the internet checked for vulnerabilities at least once a year, with the "
        "findings fixed?",
        "インターネットから接続可能なシステムについて年1回以上脆弱性診断を実施し、検出された脆弱性に対処していますか。",
        "Attach the summary of the latest vulnerability assessment and the status of each finding.",
        "直近の脆弱性診断報告書の要旨と、検出事項ごとの対応状況を添付してください。",
        2, True,
    ),
    # Incident management
    DefaultItem(
        "INC-01", "incidents",
        "Are security incidents and suspected incidents involving our data reported to us within the time set in "
        "the contract (24 hours unless agreed otherwise)?",
        "当社データに関わるセキュリティ事故またはその疑いを把握した場合、"
        "契約で定めた時間内（別段の定めがない場合は24時間以内）に当社へ報告する体制を整えていますか。",
        "Attach the incident procedure showing the reporting path to us, the time limit and the contact list.",
        "当社への報告経路、報告期限、連絡先一覧が記載されたインシデント対応手順書を添付してください。",
        3, True,
    ),
    DefaultItem(
        "INC-02", "incidents",
        "Is the incident procedure exercised at least once a year (a drill or a tabletop exercise), with the "
        "lessons recorded?",
        "インシデント対応手順に基づく訓練（机上訓練を含む）を年1回以上実施し、結果と改善点を記録していますか。",
        "Attach the report of the latest exercise: date, scenario, participants and improvements.",
        "直近の訓練の実施報告書（実施日、想定シナリオ、参加者、改善事項）を添付してください。",
        2, True,
    ),
    DefaultItem(
        "INC-03", "incidents",
        "Are all incidents and near misses recorded, with their causes analysed and measures taken to prevent "
        "them recurring?",
        "発生したインシデントおよびヒヤリハットを記録し、原因分析と再発防止策を管理していますか。",
        "Attach the incident register for the last 12 months; a summary is acceptable.",
        "直近12か月のインシデント管理台帳を添付してください（要約版でも差し支えありません）。",
        2, True,
    ),
    # Subcontracting
    DefaultItem(
        "SUB-01", "subcontracting",
        "Is any part of our services subcontracted only with our prior written approval?",
        "当社業務の一部でも再委託する場合は、事前に当社の書面による承認を得ていますか。",
        "Attach the list of subcontractors used on our services with the date of our approval for each. Answer "
        "n/a if nothing is subcontracted.",
        "当社業務に関わる再委託先の一覧（再委託先ごとの当社承認日を含む）を添付してください。"
        "再委託を行っていない場合は、対象外として回答してください。",
        3, True,
    ),
    DefaultItem(
        "SUB-02", "subcontracting",
        "Do subcontracts impose obligations equivalent to those in our contract: confidentiality, security "
        "measures, cooperation with audits and incident reporting?",
        "再委託先との契約において、当社との契約と同等の義務（秘密保持、安全管理措置、監査への協力、事故発生時の報告）"
        "を課していますか。",
        "Attach copies of the relevant clauses of each subcontract.",
        "再委託先との契約書のうち、該当する条項の写しを添付してください。",
        3, True,
    ),
    DefaultItem(
        "SUB-03", "subcontracting",
        "Is the security of each subcontractor checked at least once a year, by audit or inspection?",
        "再委託先の安全管理の状況を、監査または点検により年1回以上確認していますか。",
        "Attach the results of the latest check of each subcontractor.",
        "再委託先ごとの直近の確認結果を添付してください。",
        2, True,
    ),
    # Business continuity
    DefaultItem(
        "BCP-01", "continuity",
        "Is there a business continuity plan covering our services (disasters, pandemics, system failures), "
        "reviewed at least once a year?",
        "災害・感染症・システム障害などを想定し、当社業務を対象とした事業継続計画（BCP）を策定し、"
        "年1回以上見直していますか。",
        "Attach the table of contents of the plan, the recovery time objectives for our services and the date of "
        "the last review.",
        "BCPの目次、当社業務の目標復旧時間、および最終見直し日が分かる資料を添付してください。",
        3, True,
    ),
    DefaultItem(
        "BCP-02", "continuity",
        "Can our services be delivered from more than one site (or by remote work) if one site is lost?",
        "拠点が被災した場合にも当社業務を継続できるよう、複数拠点（または在宅勤務）による業務体制を確保していますか。",
        "Attach the list of sites able to take on our services with the seats and staff each can provide.",
        "当社業務を実施できる拠点の一覧と、拠点ごとに対応可能な席数・人員を添付してください。",
        2, True,
    ),
    DefaultItem(
        "BCP-03", "continuity",
        "Has switching our services to the backup site or systems been tested in the last 12 months?",
        "バックアップ拠点またはバックアップシステムへの切替訓練を直近12か月以内に実施し、結果を記録していますか。",
        "Attach the test report: date, scope, time taken to switch over and problems found.",
        "切替訓練の報告書（実施日、対象範囲、切替に要した時間、判明した課題）を添付してください。",
        2, True,
    ),
    DefaultItem(
        "BCP-04", "continuity",
        "Are the data needed for our services backed up regularly, stored in a separate location and "
        "restore-tested?",
        "当社業務に必要なデータを定期的にバックアップして別の場所に保管し、復元テストを実施していますか。",
        "Attach the backup schedule and the record of the latest restore test.",
        "バックアップの取得スケジュールと、直近の復元テストの記録を添付してください。",
        2, True,
    ),
)
