"""The officer queue's index, narrow against wide, on a table shaped like `dossiers`
(SQLite through Python's sqlite3): `python3 crates/app/benches/dossiers/queue_index.py`."""
import sqlite3, random, time, uuid
print(sqlite3.sqlite_version)
db=sqlite3.connect('/tmp/tinhso-queue-index.db')
db.execute("drop table if exists d")
db.execute("create table d(id blob primary key, code text, unit text, applicant_name text, state text, overdue int, due_at text, submitted_at text, form_data text, pad text)")
random.seed(1)
states_open=['submitted','received','assigned','processing','awaiting_approval','supplement_requested','paused']
rows=[]
for i in range(300000):
    unit='U%d'%(i%10)
    st=random.choice(states_open) if random.random()<0.07 else 'result_returned'
    rows.append((uuid.uuid4().bytes,'C%07d'%i,unit,'Công dân %d'%i if random.random()<0.5 else 'Nguyễn Văn %d'%i,st,int(random.random()<0.1),None if st=='submitted' else '2026-%02d-%02d'%(random.randint(1,12),random.randint(1,28)),'2025-01-01','{"a":"'+'x'*300+'"}','y'*200))
db.executemany("insert into d values(?,?,?,?,?,?,?,?,?,?)",rows); db.commit()
ph=",".join("?"*7)
q_where=f"unit=? and state in ({ph})"
def bench(label):
    for name,extra,args in [("default","",[]),("search"," and (code like ? or applicant_name like ?)",['%Công dân%','%Công dân%'])]:
        t=time.perf_counter()
        for _ in range(20):
            db.execute(f"select count(*) from d where {q_where}{extra}",['U3']+states_open+args).fetchone()
            db.execute(f"select * from d where {q_where}{extra} order by overdue desc, due_at asc nulls last, submitted_at asc limit 20 offset 0",['U3']+states_open+args).fetchall()
        print(label,name,"%.2f ms"%((time.perf_counter()-t)/20*1000))
db.execute("create index i1 on d(unit,state,overdue,due_at,submitted_at)")
bench("narrow")
db.execute("drop index i1")
db.execute("create index i2 on d(unit,state,overdue,due_at,submitted_at,code,applicant_name)")
bench("wide")
print(db.execute(f"explain query plan select count(*) from d where {q_where} and (code like ? or applicant_name like ?)",['U3']+states_open+['%a%','%a%']).fetchall())
